// A model read back from disk: the network with its weights and the metadata saved with it.
package gpumlp.model;

public record LoadedModel(Network network, ModelMetadata metadata) {
}
