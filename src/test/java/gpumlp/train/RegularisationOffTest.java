// With every regularisation option at 0, training gives the bits it gave before those options existed.
package gpumlp.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import gpumlp.backend.Backend;
import gpumlp.backend.Regularisation;
import gpumlp.cpu.CpuBackend;
import gpumlp.data.DataDirectory;
import gpumlp.data.Dataset;
import gpumlp.model.HeInit;
import gpumlp.model.Network;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RegularisationOffTest {
    /**
     * SHA-256 of the weights' float bits after {@link #settings}, recorded with commit 22f7141 (before
     * dropout, weight decay and max-norm were added).
     */
    private static final String BEFORE = "5dd990e04e13b0577ab17cd46c34b9ea9644a5b1455dd416dd25ccb3e6f6d6dd";

    private static TrainSettings settings() {
        return new TrainSettings(new int[] {32}, 2, 16, 0.1, 0.9, new Schedule.Cosine(0.1), 3, 0,
                ValidationSplit.NONE, Selection.LAST, new Regularisation(0, 0, 0, 0));
    }

    @Test
    void zeroDropoutDecayAndNoMaxNormGiveTheBitsOfBefore() throws Exception {
        Dataset train = DataDirectory.train(Path.of("data/mnist-subset")).limit(600);
        Dataset test = DataDirectory.test(Path.of("data/mnist-subset"));
        TrainSettings s = settings();
        Network start = HeInit.initialise(s.layerSizes(784, 10), s.seed());
        Network net;
        try (Backend b = new CpuBackend(2)) {
            net = new Trainer(b).run(start, train, test, s, r -> { }).network();
        }
        assertEquals(BEFORE, sha256(net));
    }

    static String sha256(Network net) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (float[] w : net.allWeights()) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * w.length);
            for (float x : w) {
                bytes.putInt(Float.floatToRawIntBits(x));
            }
            md.update(bytes.array());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
