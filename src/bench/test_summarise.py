"""NumPy-free checks of summarise.py on a made-up device run: python3 -m unittest discover -s src/bench -p 'test_*.py'."""
import json, os, sys, tempfile, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import summarise  # noqa: E402


class Summary(unittest.TestCase):
    def test_deformation_cost_and_time_to_target_side_by_side(self):
        with tempfile.TemporaryDirectory() as out:
            def write(name, text):
                with open(os.path.join(out, name), 'w') as f:
                    f.write(text)
            rows = [dict(network='784-800-10', batch=128, deformations='none', median_epoch_seconds=0.02),
                    dict(network='784-800-10', batch=128, deformations='elastic 34,4', median_epoch_seconds=0.025,
                         median_over_floor=3.0, floor_seconds=0.008, gpu_memory_peak_used_bytes=2 ** 30)]
            write('bench-fp32.txt', 'gpu: SGEMM ...\n' + ''.join(json.dumps(r) + '\n' for r in rows))
            epochs = [dict(epoch=e, seconds=0.5, validation_accuracy=0.99 + e / 1000) for e in range(1, 5)]
            write('ours-simard.metrics.jsonl', ''.join(json.dumps(e) + '\n' for e in epochs))
            write('ours-simard.result.json', json.dumps(dict(model_epoch=4, validation_accuracy=0.994,
                                                             test_accuracy=0.993, network='784-800-10')))
            write('torch-simard.json', json.dumps(dict(impl='pytorch-graph', epochs_run=1, model_epoch=1,
                                                       epochs_detail=epochs[:1])))
            s = summarise.summarise(out)
            self.assertAlmostEqual(1.25, s['bench'][1]['deformation_cost'])
            ours, twin = s['recipes']['simard']
            self.assertEqual(dict(epoch=2, train_seconds=1.0), ours['time_to_target'])  # 0.992 reached at epoch 2
            self.assertEqual(0.993, ours['test_accuracy'])
            self.assertIsNone(twin['time_to_target'])
            self.assertNotIn('ciresan', s['recipes'])
            summarise.main(out)
            self.assertTrue(os.path.exists(os.path.join(out, 'summary.json')))


if __name__ == '__main__':
    unittest.main()
