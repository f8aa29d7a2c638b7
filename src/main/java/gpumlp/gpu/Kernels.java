// One typed Java method per CUDA kernel of kernels/*.cu, launched on the context's stream (names as in CpuOps).
package gpumlp.gpu;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;

import gpumlp.util.Closer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;

/**
 * Shapes are in elements, matrices row-major with the leading dimension (row stride) named ld*.
 * Every kernel is asynchronous; errors of a launch surface at the next synchronisation. The CPU
 * twin of each kernel is the {@code CpuOps} method of the same name; kernels/README.md lists them.
 */
public final class Kernels implements AutoCloseable {
    private static final int THREADS = 256;
    private static final int MAX_GRID_Y = 65535;
    /**
     * Batches of up to this many rows get one grid row of blocks per row; larger ones 1024 grid rows
     * that loop over several rows each (measured on an H200: faster at 8192 rows, slower at 2656).
     */
    private static final int ROW_PER_BLOCK_ROWS = 4096;
    private static final int MAX_BLOCKS = 1 << 20;
    /**
     * Threads per block of softmax_xent, a power of 2: softmax_xent.cu gets it as the define
     * SOFTMAX_XENT_THREADS (its shared arrays, halving tree and launch bounds), see {@link #defines}.
     */
    static final int SOFTMAX_XENT_THREADS = 64;
    /** Block shape of max_norm, passed to regularise.cu as the defines MAX_NORM_COLS and MAX_NORM_STRIPES. */
    private static final int MAX_NORM_COLS = 32;
    private static final int MAX_NORM_STRIPES = 16;
    private static final Pointer NULL = new CUdeviceptr();

    private final CUstream stream;
    private final boolean syncChecks;
    private final List<String> compileLog;
    private final List<CUmodule> modules;
    private final Map<String, CUfunction> functions;
    private final String target;

    /** Compiles (once per process) and loads every kernel file for the context's GPU; launches on its main stream. */
    public Kernels(CudaContext ctx) {
        this.stream = ctx.stream();
        this.syncChecks = ctx.syncChecks();
        this.compileLog = new ArrayList<>();
        this.modules = new ArrayList<>();
        this.functions = new HashMap<>();
        String t = null;
        try (Closer undo = new Closer()) { // a file that fails to load unloads those loaded before it
            for (String file : KernelSource.FILES) {
                KernelCompiler.Image image = KernelCompiler.compileResource(file, ctx.computeCapabilityMajor(),
                        ctx.computeCapabilityMinor());
                CUmodule module = new CUmodule();
                FaultInjection.point("cuModuleLoadData");
                cuModuleLoadData(module, image.isCubin() ? image.cubin() : KernelCompiler.nulTerminated(image.ptx()));
                undo.register(() -> cuModuleUnload(module));
                modules.add(module);
                t = image.target() + (image.isCubin() ? " CUBIN" : " PTX");
                image.log().lines().filter(l -> !l.isBlank()).forEach(l -> compileLog.add(file + ": " + l.strip()));
                for (String name : kernelNames(file)) {
                    CUfunction f = new CUfunction();
                    FaultInjection.point("cuModuleGetFunction");
                    cuModuleGetFunction(f, module, name);
                    functions.put(name, f);
                }
            }
            undo.handOver();
        }
        this.target = t;
    }

    private Kernels(Kernels loaded, CUstream stream) {
        this.stream = stream;
        this.syncChecks = loaded.syncChecks;
        this.compileLog = loaded.compileLog;
        this.modules = List.of(); // owned by `loaded`
        this.functions = loaded.functions;
        this.target = loaded.target;
    }

    /** The same kernels, launched on {@code stream} (the modules stay owned by this instance). */
    Kernels on(CUstream stream) {
        return new Kernels(this, stream);
    }

    /** The extern "C" kernels each file defines. */
    static List<String> kernelNames(String file) {
        return switch (file) {
            case "gather.cu" -> List.of("gather_batch");
            case "relu.cu" -> List.of("relu_forward", "relu_backward");
            case "softmax_xent.cu" -> List.of("softmax_xent", "xent_argmax", "softmax");
            case "sgd.cu" -> List.of("outer_product_update", "momentum_update");
            case "dropout.cu" -> List.of("dropout");
            case "regularise.cu" -> List.of("weight_decay", "max_norm");
            case "deform.cu" -> List.of("deform_field", "deform_smooth_rows", "deform_smooth_cols", "deform_affine",
                    "deform_resample");
            default -> throw new IllegalArgumentException("unknown kernel file " + file);
        };
    }

    /** The -D options a kernel file is compiled with: the block shapes its launcher uses, stated here only. */
    static List<String> defines(String file) {
        return switch (file) {
            case "softmax_xent.cu" -> List.of("-DSOFTMAX_XENT_THREADS=" + SOFTMAX_XENT_THREADS);
            case "regularise.cu" -> List.of("-DMAX_NORM_COLS=" + MAX_NORM_COLS, "-DMAX_NORM_STRIPES=" + MAX_NORM_STRIPES);
            default -> List.of();
        };
    }

    /** What the kernels were compiled to, e.g. "sm_90 CUBIN". */
    public String target() {
        return target;
    }

    /** What NVRTC said while compiling the kernels successfully (warnings), one "file: line" each; usually none. */
    public List<String> compileLog() {
        return List.copyOf(compileLog);
    }

    /**
     * gather_batch: x[r] = [1, images[sample][featureOf[c]] / 255 for c] for rows r, sample = order[base + r]
     * (base + r when order is null), base = start + (*step) * batchSize (start alone when step is null);
     * featureOf null is the identity; batchLabels[r] = labels[sample] when both are given.
     * images: n x features bytes; featureOf: features ints; x: rows x ldx.
     */
    public void gatherBatch(DeviceBuffer images, int features, DeviceBuffer order, DeviceBuffer step, int batchSize,
                            int start, int rows, DeviceBuffer labels, DeviceBuffer featureOf, DeviceBuffer x, int ldx,
                            DeviceBuffer batchLabels) {
        launch("gather_batch", blocks(features + 1L, THREADS), rowBlocks(rows), THREADS, 0,
                ptr(images.pointer()), i(features), ptr(orNull(order)), ptr(orNull(step)), i(batchSize), i(start),
                i(rows), ptr(orNull(labels)), ptr(orNull(featureOf)), ptr(x.pointer()), i(ldx), ptr(orNull(batchLabels)));
    }

    private static int rowBlocks(int rows) {
        return rows <= ROW_PER_BLOCK_ROWS ? rows : 1024;
    }

    /** relu_forward: x[r] = [1, max(0, s[r])]. s: rows x d (ld lds); x: rows x ldx, ldx >= d + 1. */
    public void reluForward(DeviceBuffer s, int lds, int rows, int d, DeviceBuffer x, int ldx) {
        launch("relu_forward", blocks(d + 1L, THREADS), rowBlocks(rows), THREADS, 0,
                ptr(s.pointer()), i(lds), i(rows), i(d), ptr(x.pointer()), i(ldx));
    }

    /** relu_backward: delta[r][i] = 0 where x[r][1 + i] = max(0, s) is not positive. delta: rows x d (ld ldd). */
    public void reluBackward(DeviceBuffer delta, int ldd, DeviceBuffer x, int ldx, int rows, int d) {
        launch("relu_backward", blocks(d, THREADS), rowBlocks(rows), THREADS, 0,
                ptr(delta.pointer()), i(ldd), ptr(x.pointer()), i(ldx), i(rows), i(d));
    }

    /** Blocks softmax_xent runs in for a batch of {@code rows}: the length its scratch buffers need. */
    public static int softmaxXentBlocks(int rows) {
        return (rows + SOFTMAX_XENT_THREADS - 1) / SOFTMAX_XENT_THREADS;
    }

    /**
     * softmax_xent: z (rows x classes logits) becomes x(L) - y; lossPerStep[*step] and
     * correctPerStep[*step] receive the batch's summed loss and correct count; *step advances by one.
     * partialLoss (doubles) and partialCorrect (ints) hold {@link #softmaxXentBlocks} values;
     * blocksDone is one int that must be 0 (the kernel leaves it 0).
     */
    public void softmaxXent(DeviceBuffer z, int rows, int classes, DeviceBuffer batchLabels, DeviceBuffer step,
                            DeviceBuffer lossPerStep, DeviceBuffer correctPerStep, DeviceBuffer partialLoss,
                            DeviceBuffer partialCorrect, DeviceBuffer blocksDone) {
        int blocks = softmaxXentBlocks(rows);
        if (partialLoss.length() < blocks || partialCorrect.length() < blocks) {
            throw new IllegalArgumentException("softmax_xent needs " + blocks + " partial slots for " + rows + " rows");
        }
        launch("softmax_xent", blocks, 1, SOFTMAX_XENT_THREADS, 0, ptr(z.pointer()), i(rows), i(classes),
                ptr(batchLabels.pointer()), ptr(step.pointer()), ptr(lossPerStep.pointer()), ptr(correctPerStep.pointer()),
                ptr(partialLoss.pointer()), ptr(partialCorrect.pointer()), ptr(blocksDone.pointer()));
    }

    /** xent_argmax: rowLoss[r] = -ln softmax(z[r])[y_r], predicted[r] = argmax z[r]; z is overwritten. */
    public void xentArgmax(DeviceBuffer z, int rows, int classes, DeviceBuffer batchLabels, DeviceBuffer rowLoss,
                           DeviceBuffer predicted) {
        launch("xent_argmax", blocks(rows, THREADS), 1, THREADS, 0, ptr(z.pointer()), i(rows), i(classes),
                ptr(batchLabels.pointer()), ptr(rowLoss.pointer()), ptr(predicted.pointer()));
    }

    /** softmax: each row of z (rows x classes) becomes probabilities. */
    public void softmax(DeviceBuffer z, int rows, int classes) {
        launch("softmax", blocks(rows, THREADS), 1, THREADS, 0, ptr(z.pointer()), i(rows), i(classes));
    }

    /**
     * outer_product_update: w -= (*eta) [1 x] delta^T. w: (dIn + 1) x dOut; xAug: dIn + 1 values starting with
     * the 1; delta: dOut values. Pointers may point into larger buffers (row 0 of a batch).
     */
    public void outerProductUpdate(Pointer w, Pointer xAug, Pointer delta, int dIn, int dOut, Pointer eta) {
        int threads = Math.min(THREADS, (dOut + 31) / 32 * 32);
        launch("outer_product_update", blocks(dOut, threads), Math.min(dIn + 1, MAX_GRID_Y), threads, 0,
                ptr(w), ptr(xAug), ptr(delta), i(dIn), i(dOut), ptr(eta));
    }

    /** momentum_update: v = (*mu) v + (*gScale) g; w -= (*eta) v, over n elements. */
    public void momentumUpdate(DeviceBuffer w, DeviceBuffer v, DeviceBuffer g, long n, Pointer mu, Pointer eta,
                               Pointer gScale) {
        launch("momentum_update", blocks(n, THREADS), 1, THREADS, 0, ptr(w.pointer()), ptr(v.pointer()),
                ptr(g.pointer()), l(n), ptr(mu), ptr(eta), ptr(gScale));
    }

    /**
     * deform_field: field[r] = 2hw uniforms in [-1, 1) from Philox (key: 3 ints, the seed's low and high words
     * and the epoch; counter block, sample of row r, epoch, stream). Rows find their samples as in
     * {@link #gatherBatch}. field: rows x 2hw.
     */
    public void deformField(DeviceBuffer key, DeviceBuffer order, DeviceBuffer step, int batchSize, int start, int rows,
                            int hw, DeviceBuffer field) {
        launch("deform_field", blocks((2L * hw + 3) / 4, THREADS), rowBlocks(rows), THREADS, 0, ptr(key.pointer()),
                ptr(orNull(order)), ptr(orNull(step)), i(batchSize), i(start), i(rows), i(hw), ptr(field.pointer()));
    }

    /** deform_smooth_rows: out = scale * (in convolved along x with g), 2 planes of h x w per row. in, out: rows x 2hw. */
    public void deformSmoothRows(DeviceBuffer in, DeviceBuffer out, int rows, int h, int w, DeviceBuffer g, int radius,
                                 float scale) {
        smooth("deform_smooth_rows", in, out, rows, h, w, g, radius, scale);
    }

    /** deform_smooth_cols: out = scale * (in convolved along y with g), 2 planes of h x w per row. in, out: rows x 2hw. */
    public void deformSmoothCols(DeviceBuffer in, DeviceBuffer out, int rows, int h, int w, DeviceBuffer g, int radius,
                                 float scale) {
        smooth("deform_smooth_cols", in, out, rows, h, w, g, radius, scale);
    }

    private void smooth(String kernel, DeviceBuffer in, DeviceBuffer out, int rows, int h, int w, DeviceBuffer g,
                        int radius, float scale) {
        launch(kernel, blocks(2L * h * w, THREADS), rowBlocks(rows), THREADS, 0, ptr(in.pointer()), ptr(out.pointer()),
                i(rows), i(h), i(w), ptr(g.pointer()), i(radius), f(scale));
    }

    /**
     * deform_affine: affine[r] = the 6-float sampling map of row r's sample, drawn from the ranges (degrees,
     * percent, degrees, pixels) with the Philox key as in {@link #deformField}. affine: rows x 6.
     */
    public void deformAffine(DeviceBuffer key, DeviceBuffer order, DeviceBuffer step, int batchSize, int start, int rows,
                             int h, int w, float rotate, float scale, float shear, float translate, DeviceBuffer affine) {
        launch("deform_affine", blocks(rows, THREADS), 1, THREADS, 0, ptr(key.pointer()), ptr(orNull(order)),
                ptr(orNull(step)), i(batchSize), i(start), i(rows), i(h), i(w), f(rotate), f(scale), f(shear),
                f(translate), ptr(affine.pointer()));
    }

    /**
     * deform_resample: x[r][1 + c] = row r's source image (bytes, n x h w) at the displaced point of pixel
     * featureOf[c], bilinear, / 255. field: rows x 2hw or null; affine: rows x 6; x: rows x ldx.
     */
    public void deformResample(DeviceBuffer images, int features, DeviceBuffer order, DeviceBuffer step, int batchSize,
                               int start, int rows, int h, int w, DeviceBuffer field, DeviceBuffer affine,
                               DeviceBuffer featureOf, DeviceBuffer x, int ldx) {
        if (features != h * w) {
            throw new IllegalArgumentException("deform_resample: " + features + " features are not " + h + " x " + w);
        }
        launch("deform_resample", blocks(features, THREADS), rowBlocks(rows), THREADS, 0, ptr(images.pointer()),
                i(features), ptr(orNull(order)), ptr(orNull(step)), i(batchSize), i(start), i(rows), i(h), i(w),
                ptr(orNull(field)), ptr(affine.pointer()), ptr(orNull(featureOf)), ptr(x.pointer()), i(ldx));
    }

    /**
     * dropout, in place: x[r][j] *= scale where unit j of row r is kept, else 0, for j < d (see dropout.cu
     * for the rule and the counter). x points at unit 0 of row 0, rows x ldx; row r is sample
     * order[start + (*step) * batchSize + r] (step null: start + r; order null: the identity); column j is
     * unit unitOf[j] (null: j). key: 3 ints (seed low, seed high, epoch); pScale: p and 1 / (1 - p).
     */
    public void dropout(Pointer x, int ldx, int rows, int d, DeviceBuffer unitOf, DeviceBuffer order, DeviceBuffer step,
                        int batchSize, int start, DeviceBuffer key, int stream, Pointer pScale) {
        launch("dropout", blocks(d, THREADS), rowBlocks(rows), THREADS, 0, ptr(x), i(ldx), i(rows), i(d),
                ptr(orNull(unitOf)), ptr(orNull(order)), ptr(orNull(step)), i(batchSize), i(start), ptr(key.pointer()),
                i(stream), ptr(pScale));
    }

    /** weight_decay: y[i][j] += (*a) w[i][j] for rows i = 1..dIn (not the bias row). y, w: (dIn + 1) x dOut; y may be w. */
    public void weightDecay(Pointer y, Pointer w, int dIn, int dOut, Pointer a) {
        launch("weight_decay", blocks((long) dIn * dOut, THREADS), 1, THREADS, 0, ptr(y), ptr(w), i(dIn), i(dOut), ptr(a));
    }

    /** max_norm: each column of w without its bias row rescaled to norm at most *c. w: (dIn + 1) x dOut. */
    public void maxNorm(Pointer w, int dIn, int dOut, Pointer c) {
        launch("max_norm", (dOut + MAX_NORM_COLS - 1) / MAX_NORM_COLS, 1, MAX_NORM_COLS, MAX_NORM_STRIPES, 0,
                ptr(w), i(dIn), i(dOut), ptr(c));
    }

    private void launch(String name, int gridX, int gridY, int threads, int sharedBytes, Pointer... args) {
        launch(name, gridX, gridY, threads, 1, sharedBytes, args);
    }

    private void launch(String name, int gridX, int gridY, int blockX, int blockY, int sharedBytes, Pointer... args) {
        if (gridX == 0 || gridY == 0) {
            return; // nothing to do (zero rows)
        }
        try {
            FaultInjection.point("cuLaunchKernel");
            cuLaunchKernel(functions.get(name), gridX, gridY, 1, blockX, blockY, 1, sharedBytes, stream,
                    Pointer.to(args), null);
            if (syncChecks) {
                SyncChecks.await(stream);
            }
        } catch (CudaException e) {
            throw new GpuOperationException(name, e, syncChecks);
        }
    }

    private static int blocks(long work, int threads) {
        return (int) Math.min((work + threads - 1) / threads, MAX_BLOCKS);
    }

    private static Pointer orNull(DeviceBuffer b) {
        return b == null ? NULL : b.pointer();
    }

    private static Pointer ptr(Pointer devicePointer) {
        return Pointer.to(devicePointer);
    }

    private static Pointer i(int v) {
        return Pointer.to(new int[] {v});
    }

    private static Pointer f(float v) {
        return Pointer.to(new float[] {v});
    }

    private static Pointer l(long v) {
        return Pointer.to(new long[] {v});
    }

    @Override
    public void close() {
        if (modules.isEmpty()) {
            return; // a view on another stream
        }
        try (Closer c = new Closer()) { // every module is unloaded even when one fails, in load order
            for (int i = modules.size() - 1; i >= 0; i--) {
                CUmodule m = modules.get(i);
                c.register(() -> cuModuleUnload(m));
            }
            modules.clear();
            functions.clear();
        }
    }
}
