// A labelled data set in GPU memory: its image bytes and label bytes, uploaded once.
package gpumlp.gpu;

import gpumlp.data.Dataset;

/** images: count x features bytes, row-major; labels: count bytes. */
record DeviceData(Dataset source, DeviceBuffer images, DeviceBuffer labels) implements AutoCloseable {
    static DeviceData upload(Dataset d) {
        DeviceBuffer images = DeviceBuffer.bytes((long) d.count() * d.features(), "the images of " + d.name());
        DeviceBuffer labels;
        try {
            labels = DeviceBuffer.bytes(d.count(), "the labels of " + d.name());
        } catch (RuntimeException e) {
            images.close();
            throw e;
        }
        images.upload(d.images());
        labels.upload(d.labels());
        return new DeviceData(d, images, labels);
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
