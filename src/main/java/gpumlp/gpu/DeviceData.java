// A labelled data set in GPU memory: its image bytes and label bytes, uploaded once.
package gpumlp.gpu;

import gpumlp.data.Dataset;
import gpumlp.util.Closer;

/** images: count x features bytes, row-major; labels: count bytes. */
record DeviceData(Dataset source, DeviceBuffer images, DeviceBuffer labels) implements AutoCloseable {
    static DeviceData upload(Dataset d) {
        try (Closer undo = new Closer()) { // a failed allocation or copy frees both buffers
            DeviceBuffer images = undo.register(DeviceBuffer.bytes((long) d.count() * d.features(), "the images of " + d.name()));
            DeviceBuffer labels = undo.register(DeviceBuffer.bytes(d.count(), "the labels of " + d.name()));
            images.upload(d.images());
            labels.upload(d.labels());
            undo.handOver();
            return new DeviceData(d, images, labels);
        }
    }

    @Override
    public void close() {
        Closer.closeAll(images, labels);
    }
}
