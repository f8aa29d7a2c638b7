"""NumPy checks of twin_common (no torch needed): python3 -m unittest discover -s src/bench -p 'test_*.py'.
Expected deformation values were printed by gpu-mlp's cpu/DeformOps and backend/Deformation (Java, float32)."""
import gzip, math, os, struct, sys, tempfile, unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import twin_common as tc  # noqa: E402

GAUSS_4 = [0.0011098816, 0.002277329, 0.004389667, 0.00794866, 0.013521126, 0.021606699, 0.032435495, 0.04574138,
           0.060597483, 0.075414784, 0.088168815, 0.0968345, 0.09990836]  # sigma 4, taps -12..0 (symmetric)
# A 5 x 6 image, bytes (37 p + 11) % 256; the raw field sin(0.7 i) (x plane then y plane); sigma 1, alpha 2.
SMOOTHED = [-0.08528256, 0.09581163, 0.355095, 0.47864962, 0.39569336, 0.20282133, -0.18080148, -0.18911903,
            -0.07950308, 0.07531896, 0.18665242, 0.18021159, 0.083364315, 0.04090991, -0.061566062, -0.14559276,
            -0.16303313, -0.112568974, 0.010240042, 0.10541824, 0.20546558, 0.22256055, 0.14690953, 0.05010177,
            -0.34724617, -0.30806932, -0.035664983, 0.27674633, 0.4501903, 0.38123304, 0.3593675, 0.33661425,
            0.07466189, -0.24379615, -0.43632156, -0.38321152, 0.12295973, 0.2082587, 0.22306512, 0.13952313,
            0.005492385, -0.0718431, -0.13209368, -0.15566471, -0.095206425, 0.013129219, 0.107278876, 0.120522715,
            0.14730102, 0.110227436, -0.028274802, -0.16638489, -0.2249823, -0.17474358, 0.32598978, 0.47103864,
            0.41930896, 0.17567685, -0.12028562, -0.24211045]
AFFINE = [0.8954431, 0.1815153, -0.3283558, 1.0614849, -0.41322345, 1.6582111]  # affineMap(0.3, 1.1, 0.9, 0.1, .5, -.75)
RESAMPLED = [0.39018658, 0.715187, 0.17150219, 0.3851652, 0.5090153, 0.4193463, 0.39246592, 0.76931155, 0.61314297,
             0.1603397, 0.3680725, 0.5511572, 0.5653269, 0.7360175, 0.88679516, 0.44383505, 0.18856853, 0.36783275,
             0.005360105, 0.25456443, 0.69276375, 0.6581244, 0.2054105, 0.31561092, 0.0, 0.0, 0.0, 0.0, 0.07425773,
             0.19104052]


def write_idx(path, array, compress):
    body = struct.pack('>I', 0x0800 | array.ndim) + struct.pack('>' + 'I' * array.ndim, *array.shape) + array.tobytes()
    with (gzip.open(path + '.gz', 'wb') if compress else open(path, 'wb')) as f:
        f.write(body)


class IdxAndSplit(unittest.TestCase):
    def test_reads_raw_and_gz_and_splits_the_last_sixth(self):
        with tempfile.TemporaryDirectory() as d:
            rng = np.random.default_rng(1)
            images = rng.integers(0, 256, (12, 28, 28), dtype=np.uint8)
            labels = (np.arange(12) % 10).astype(np.uint8)
            write_idx(os.path.join(d, 'train-images-idx3-ubyte'), images, True)
            write_idx(os.path.join(d, 'train-labels-idx1-ubyte'), labels, False)
            write_idx(os.path.join(d, 't10k-images-idx3-ubyte'), images[:3], True)
            write_idx(os.path.join(d, 't10k-labels-idx1-ubyte'), labels[:3], True)
            xs, ys, xv, yv, xt, yt = tc.load(d)
            self.assertEqual((10, 784), xs.shape)
            np.testing.assert_array_equal(images[10:].reshape(2, 784), xv)  # round(12 / 6) = 2, the last ones
            np.testing.assert_array_equal(labels[:10], ys)
            self.assertEqual((3, 784), xt.shape)
            xs, ys, xv, yv, _, _ = tc.load(d, validation='0', limit=6)
            self.assertEqual((6, 0), (len(ys), len(yv)))
            with open(os.path.join(d, 'bad'), 'wb') as f:
                f.write(struct.pack('>I', 0x0D01) + struct.pack('>I', 1) + b'\0\0\0\0')
            with self.assertRaises(ValueError):
                tc.idx(d, 'bad')
            with self.assertRaises(FileNotFoundError):
                tc.idx(d, 'missing')

    def test_held_out_counts_as_gpu_mlp(self):
        self.assertEqual(10000, tc.held_out(60000, '1/6'))
        self.assertEqual(833, tc.held_out(5000, '1/6'))
        self.assertEqual(6000, tc.held_out(60000, '0.1'))
        self.assertEqual(1, tc.held_out(3, '0.1'))
        self.assertEqual(123, tc.held_out(60000, '123'))
        self.assertEqual(0, tc.held_out(60000, '0'))
        with self.assertRaises(ValueError):
            tc.held_out(10, '10')


class Schedules(unittest.TestCase):
    def test_rates_as_train_schedule(self):
        self.assertEqual(0.1, tc.rate('cosine', 0.1, 0, 20))
        self.assertAlmostEqual(0.05, tc.rate('cosine', 0.1, 10, 20), places=15)
        self.assertAlmostEqual(0.1 * 0.5 * (1 + math.cos(math.pi * 19 / 20)), tc.rate('cosine', 0.1, 19, 20))
        self.assertEqual(0.025, tc.rate('step', 0.1, 6, 20))
        self.assertEqual(0.1, tc.rate('constant', 0.1, 7, 20))


class Deformations(unittest.TestCase):
    def test_gaussian_taps_equal_gpu_mlps(self):
        g = tc.gaussian(4.0)
        self.assertEqual(25, len(g))
        np.testing.assert_array_almost_equal_nulp(np.array(GAUSS_4 + GAUSS_4[-2::-1], dtype=np.float32), g, 1)
        self.assertEqual(37, len(tc.gaussian(6.0)))

    def test_smoothing_equals_gpu_mlps(self):
        raw = np.sin(np.arange(60) * 0.7).astype(np.float32).reshape(1, 2, 5, 6)
        np.testing.assert_allclose(tc.smooth_reference(raw, 1.0, 2.0).ravel(), SMOOTHED, atol=1e-6)

    def test_affine_maps_equal_gpu_mlps(self):
        # u chosen so that the ranges give theta 0.3 rad, sx 1.1, sy 0.9, phi 0.1 rad, tx 0.5, ty -0.75
        rot, sc, sh, tr = 30.0, 20.0, 10.0, 1.5
        u = np.array([[0.3 / (rot * math.pi / 180), 10 / sc, -10 / sc, 0.1 / (sh * math.pi / 180), 0.5 / tr,
                       -0.75 / tr]])
        m = tc.affine_maps(u, rot, sc, sh, tr, 5, 6)[0]
        np.testing.assert_allclose(m, AFFINE, rtol=2e-7, atol=1e-7)

    def test_identity_settings_give_the_identity_map(self):
        u = np.random.default_rng(3).uniform(-1, 1, (4, 6))
        m = tc.affine_maps(u, 0.0, 0.0, 0.0, 0.0, 28, 28)
        np.testing.assert_array_equal(np.tile([1.0, 0.0, 0.0, 1.0, 0.0, 0.0], (4, 1)), m)
        img = np.random.default_rng(4).integers(0, 256, (28, 28))
        np.testing.assert_allclose(tc.resample_reference(img, m[0]), img / 255.0, atol=1e-12)

    def test_resampling_through_the_grid_equals_gpu_mlps(self):
        img = ((np.arange(30) * 37 + 11) % 256).reshape(5, 6)
        field = np.array(SMOOTHED, dtype=np.float64).reshape(2, 5, 6)
        np.testing.assert_allclose(tc.resample_reference(img, np.array(AFFINE, dtype=np.float64), field).ravel(),
                                   RESAMPLED, atol=2e-6)

    def test_a_quarter_turn_transposes_and_flips(self):
        img = np.random.default_rng(5).integers(0, 256, (7, 7))
        m = tc.affine_maps(np.array([[1.0, 0, 0, 0, 0, 0]]), 90.0, 0.0, 0.0, 0.0, 7, 7)[0]
        out = tc.resample_reference(img, m) * 255
        np.testing.assert_allclose(out, np.rot90(img, -1), atol=1e-9)  # out[y][x] = img[6 - x][y]


class Recipes(unittest.TestCase):
    def test_defaults_come_from_the_recipe_and_options_win(self):
        a = tc.settings(['d', '--recipe', 'ciresan'])
        self.assertEqual([2500, 2000, 1500, 1000, 500], a.hidden)
        self.assertEqual((36.0, 6.0), a.elastic)
        self.assertTrue(a.tf32)
        a = tc.settings(['d', '--recipe', 'ciresan', '--epochs', '7', '--elastic', '0', '--tf32', 'off', '--hidden', '9'])
        self.assertEqual((7, None, False, [9]), (a.epochs, a.elastic, a.tf32, a.hidden))
        with self.assertRaises(SystemExit):
            tc.settings(['d', '--epochs', '0'])

    def test_java_args_name_the_same_run(self):
        a = tc.settings(['d', '--recipe', 'ciresan', '--epochs', '12'])
        args = tc.java_args(a)
        line = ' '.join(args)
        for part in ('--hidden 2500,2000,1500,1000,500', '--epochs 12', '--batch-size 128', '--lr 0.05',
                     '--momentum 0.9', '--schedule cosine', '--elastic 36,6', '--rotate 15', '--scale 15', '--tf32',
                     '--dropout 0.0', '--input-dropout 0.0', '--validation 1/6'):
            self.assertIn(part, line)
        self.assertNotIn('--shear', line)
        self.assertNotIn('--tf32', ' '.join(tc.java_args(tc.settings(['d']))))

    def test_time_to_target_sums_training_seconds(self):
        recs = [dict(epoch=1, seconds=1.0, validation_accuracy=0.98, wall_seconds=1.5),
                dict(epoch=2, seconds=2.0, validation_accuracy=0.993, wall_seconds=4.0),
                dict(epoch=3, seconds=1.0, validation_accuracy=0.995, wall_seconds=5.5)]
        self.assertEqual((2, 3.0, 4.0), tc.time_to_target(recs, 0.992))
        self.assertIsNone(tc.time_to_target(recs, 0.999))


if __name__ == '__main__':
    unittest.main()
