// The kernel sources are on the class path and define exactly the kernels the Java launchers name.
package gpumlp.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class KernelSourceTest {
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (?:__launch_bounds__\\([^)]*\\) )?(\\w+)\\(");

    @Test
    void eachFileDefinesTheKernelsItsLaunchersCall() {
        for (String file : KernelSource.FILES) {
            List<String> defined = new ArrayList<>();
            Matcher m = KERNEL.matcher(KernelSource.read(file));
            while (m.find()) {
                defined.add(m.group(1));
            }
            assertEquals(Kernels.kernelNames(file), defined, file);
        }
    }

    @Test
    void everyKernelHasACpuTwinOfTheSameName() throws Exception {
        for (String file : KernelSource.FILES) {
            for (String kernel : Kernels.kernelNames(file)) {
                String camel = camel(kernel);
                boolean launcher = java.util.Arrays.stream(Kernels.class.getMethods()).anyMatch(x -> x.getName().equals(camel));
                assertEquals(true, launcher, "Kernels." + camel + " launches " + kernel);
                if (!kernel.equals("xent_argmax")) { // evaluation: argmax + softmaxXent on the CPU
                    Class<?> twins = kernel.startsWith("deform_") ? gpumlp.cpu.DeformOps.class : gpumlp.cpu.CpuOps.class;
                    boolean twin = java.util.Arrays.stream(twins.getMethods()).anyMatch(x -> x.getName().equals(camel));
                    assertEquals(true, twin, twins.getSimpleName() + "." + camel + " is the CPU twin of " + kernel);
                }
            }
        }
    }

    @Test
    void headersOfKernelsAreInlinedOnceForNvrtc() {
        String philox = KernelSource.read("philox.cuh");
        assertEquals(true, philox.contains("philox4x32_10"));
        String twice = "#include \"philox.cuh\"\nA\n#include \"philox.cuh\"\n";
        String expanded = KernelSource.expandForTest(twice);
        assertEquals(1, expanded.split("void philox4x32_10", -1).length - 1, "inlined exactly once");
        assertEquals(false, expanded.contains("#include"));
        assertEquals(true, expanded.contains("\nA\n"));
        assertEquals(false, expanded.contains("#pragma once"), "the include guard goes with the include");
        String dropout = KernelSource.read("dropout.cu");
        assertEquals(true, dropout.contains("philox4x32_10(unsigned int c[4]") && !dropout.contains("#include"),
                "dropout.cu gets Philox inlined");
    }

    private static String camel(String snake) {
        StringBuilder b = new StringBuilder();
        boolean up = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                up = true;
            } else {
                b.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return b.toString();
    }
}
