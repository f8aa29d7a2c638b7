// A new TensorBoard event file in a directory: scalars and text as Event protobufs, each record flushed as it is written.
package gpumlp.tensorboard;

import com.google.protobuf.ByteString;
import gpumlp.UserError;
import gpumlp.proto.tensorboard.TensorBoardProtos.DataClass;
import gpumlp.proto.tensorboard.TensorBoardProtos.DataType;
import gpumlp.proto.tensorboard.TensorBoardProtos.Event;
import gpumlp.proto.tensorboard.TensorBoardProtos.Summary;
import gpumlp.proto.tensorboard.TensorBoardProtos.SummaryMetadata;
import gpumlp.proto.tensorboard.TensorBoardProtos.TensorProto;
import gpumlp.util.IoErrors;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The file is {@code events.out.tfevents.<seconds>.<host>.<pid>.<n>}, created new (never replacing
 * another file) and appended to, as TensorBoard expects: it reads a growing file as it grows, so the
 * file is not written through a temporary copy. A scalar's first event carries its description.
 */
public final class EventFile implements AutoCloseable {
    private final Path path;
    private final OutputStream out;
    private final Set<String> described = new HashSet<>();

    private EventFile(Path path, OutputStream out) {
        this.path = path;
        this.out = out;
    }

    /** Creates {@code dir} if needed and a new event file in it; a failure is a UserError naming the directory. */
    public static EventFile create(Path dir) {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost").replaceAll("[^A-Za-z0-9._-]", "_");
        String stem = String.format(Locale.ROOT, "events.out.tfevents.%d.%s.%d.", System.currentTimeMillis() / 1000, host,
                ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
            for (int n = 0; ; n++) {
                Path file = dir.resolve(stem + n);
                OutputStream out;
                try {
                    out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE));
                } catch (FileAlreadyExistsException e) {
                    continue; // another writer in this second and process: take the next number
                }
                EventFile f = new EventFile(file, out);
                try {
                    f.write(event(0).setFileVersion("brain.Event:2").build());
                } catch (IOException e) {
                    out.close();
                    throw e;
                }
                return f;
            }
        } catch (IOException e) {
            throw new UserError("cannot write TensorBoard events into " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    public Path path() {
        return path;
    }

    /** A scalar at {@code step}; {@code description} is shown in TensorBoard (kept from the tag's first event). */
    public void scalar(String tag, long step, double value, String description) throws IOException {
        Summary.Value.Builder v = Summary.Value.newBuilder().setTag(tag).setSimpleValue((float) value);
        if (described.add(tag)) {
            v.setMetadata(SummaryMetadata.newBuilder().setSummaryDescription(description)
                    .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("scalars"))
                    .setDataClass(DataClass.DATA_CLASS_SCALAR));
        }
        write(event(step).setSummary(Summary.newBuilder().addValue(v)).build());
    }

    /** Markdown text at {@code step}, for TensorBoard's Text tab. */
    public void text(String tag, long step, String markdown) throws IOException {
        TensorProto tensor = TensorProto.newBuilder().setDtype(DataType.DT_STRING)
                .addStringVal(ByteString.copyFrom(markdown, StandardCharsets.UTF_8)).build();
        Summary.Value v = Summary.Value.newBuilder().setTag(tag).setTensor(tensor)
                .setMetadata(SummaryMetadata.newBuilder()
                        .setPluginData(SummaryMetadata.PluginData.newBuilder().setPluginName("text"))
                        .setDataClass(DataClass.DATA_CLASS_TENSOR))
                .build();
        write(event(step).setSummary(Summary.newBuilder().addValue(v)).build());
    }

    private static Event.Builder event(long step) {
        return Event.newBuilder().setWallTime(System.currentTimeMillis() / 1000.0).setStep(step);
    }

    private void write(Event e) throws IOException {
        out.write(TfRecord.frame(e.toByteArray()));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
