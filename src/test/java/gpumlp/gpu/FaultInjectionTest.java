// The fault-injection seam: the k-th point fails once, as JCuda would, the failure reads as a real one, and no fallible call is left without a point.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import jcuda.CudaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
    /** The calls that make a resource, copy, launch or start a capture or replay: each must have its point. */
    static final List<String> POINTED = List.of("cuInit", "cuDevicePrimaryCtxRetain", "cuStreamCreate", "cuEventCreate",
            "cuMemAlloc", "cuMemAllocHost", "cuMemcpyHtoD", "cuMemcpyDtoH", "cuMemcpyHtoDAsync", "cuMemcpyDtoHAsync",
            "cuMemsetD8", "cuModuleLoadData", "cuModuleGetFunction", "cuLaunchKernel", "cublasCreate", "cublasSetStream",
            "cublasSetWorkspace", "cublasSetPointerMode", "cublasSetMathMode", "cublasSgemm", "cuStreamBeginCapture",
            "cuGraphInstantiate", "cuGraphLaunch", "nvrtcCompileProgram");

    @AfterEach
    void disarm() {
        FaultInjection.disarm();
    }

    @Test
    void theKthPointFailsOnceWithTheCallOnTop() {
        FaultInjection.arm(2, "CUDA_ERROR_LAUNCH_FAILED");
        FaultInjection.point("cuMemAlloc");
        FaultInjection.point("cuLaunchKernel");
        CudaException e = assertThrows(CudaException.class, () -> FaultInjection.point("cuMemcpyHtoD"));
        assertEquals("CUDA_ERROR_LAUNCH_FAILED (fault injected at cuMemcpyHtoD)", e.getMessage());
        StackTraceElement[] stack = e.getStackTrace();
        assertEquals("jcuda.driver.JCudaDriver.cuMemcpyHtoD", stack[0].getClassName() + "." + stack[0].getMethodName());
        assertTrue(stack[1].getClassName().startsWith(FaultInjectionTest.class.getName()), "then the caller: " + stack[1]);
        assertEquals("cuMemcpyHtoD", FaultInjection.fired());
        assertEquals(List.of("cuMemAlloc", "cuLaunchKernel", "cuMemcpyHtoD"), FaultInjection.seen());

        assertDoesNotThrow(() -> FaultInjection.point("cuMemAlloc"), "one fault per arming");
        assertEquals(3, FaultInjection.passed(), "nothing is counted after the fault");
    }

    @Test
    void theFirstPointCanFailAndArmingAgainStartsAfresh() {
        FaultInjection.arm(0, "CUDA_ERROR_UNKNOWN");
        assertThrows(CudaException.class, () -> FaultInjection.point("cuInit"));
        FaultInjection.arm(1, "CUDA_ERROR_UNKNOWN");
        assertNull(FaultInjection.fired());
        assertEquals(List.of(), FaultInjection.seen());
        FaultInjection.point("cuInit");
        assertThrows(CudaException.class, () -> FaultInjection.point("cuStreamCreate"));
        assertEquals("cuStreamCreate", FaultInjection.fired());
    }

    @Test
    void disarmedOrCountingOnlyNothingFails() {
        FaultInjection.arm(Integer.MAX_VALUE, "CUDA_ERROR_UNKNOWN");
        for (int i = 0; i < 5; i++) {
            FaultInjection.point("cuLaunchKernel");
        }
        assertEquals(5, FaultInjection.passed());
        assertNull(FaultInjection.fired());
        FaultInjection.arm(0, "CUDA_ERROR_UNKNOWN");
        FaultInjection.disarm();
        assertDoesNotThrow(() -> FaultInjection.point("cuLaunchKernel"));
        assertEquals(0, FaultInjection.passed(), "a disarmed point is not counted");
    }

    @Test
    void aNegativeIndexIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> FaultInjection.arm(-1, "CUDA_ERROR_UNKNOWN"));
    }

    @Test
    void anInjectedFailureIsDescribedAsTheRealOneWouldBe() {
        assertEquals("allocating memory (cuMemAlloc) failed with CUDA_ERROR_LAUNCH_FAILED: " + GpuErrors.advice("X", false),
                GpuErrors.describe(FaultInjection.failure("cuMemAlloc", "CUDA_ERROR_LAUNCH_FAILED")));
        String cublas = GpuErrors.describe(FaultInjection.failure("cublasSetWorkspace", "CUDA_ERROR_LAUNCH_FAILED"));
        assertTrue(cublas.startsWith("setting up cuBLAS (cublasSetWorkspace) failed with CUBLAS_STATUS_INTERNAL_ERROR: "),
                cublas);
        CudaException nvrtc = FaultInjection.failure("nvrtcCompileProgram", "CUDA_ERROR_LAUNCH_FAILED");
        assertEquals("jcuda.nvrtc.JNvrtc", nvrtc.getStackTrace()[0].getClassName());
        assertTrue(nvrtc.getMessage().startsWith("NVRTC_ERROR_INTERNAL_ERROR "), nvrtc.getMessage());
        String oom = GpuErrors.describe(FaultInjection.failure("cuMemAlloc", "CUDA_ERROR_OUT_OF_MEMORY"));
        assertTrue(oom.contains("failed with CUDA_ERROR_OUT_OF_MEMORY: the GPU is out of memory"), oom);
        String launch = GpuErrors.describe(new GpuOperationException("softmax_xent",
                FaultInjection.failure("cuLaunchKernel", "CUDA_ERROR_LAUNCH_FAILED"), true));
        assertTrue(launch.startsWith("softmax_xent failed with CUDA_ERROR_LAUNCH_FAILED: use --device cpu"), launch);
    }

    /**
     * Each call in {@link #POINTED} made in the GPU package follows its point on the line before, so a
     * new allocation or launch site cannot be missed by the fault-injection test.
     */
    @Test
    void everyFallibleCallInTheGpuPackageHasItsPoint() throws IOException {
        Pattern call = Pattern.compile("(?<![\\w.\"])(" + String.join("|", POINTED) + ")\\(");
        List<String> missing = new ArrayList<>();
        int calls = 0;
        try (Stream<Path> files = Files.list(Path.of("src/main/java/gpumlp/gpu"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    Matcher m = call.matcher(line);
                    if (line.startsWith("import ") || line.startsWith("*") || line.startsWith("//") || !m.find()) {
                        continue;
                    }
                    calls++;
                    String before = i > 0 ? lines.get(i - 1).strip() : "";
                    if (!before.equals("FaultInjection.point(\"" + m.group(1) + "\");")) {
                        missing.add(file.getFileName() + ":" + (i + 1) + " " + line);
                    }
                }
            }
        }
        assertTrue(calls >= POINTED.size(), "every listed call is made somewhere: " + calls);
        assertEquals(List.of(), missing, "calls without a FaultInjection.point on the line before");
    }
}
