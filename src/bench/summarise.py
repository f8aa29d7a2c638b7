"""Reads what src/bench/device-run.sh left in OUT and prints the side-by-side figures (and writes OUT/summary.json):

    python3 summarise.py OUT

bench rows (bench-*.txt: JSON lines), with the deformation cost (deformed / plain median epoch) and the ratio to the
floor; per recipe, gpu-mlp (ours-RECIPE.result.json and .metrics.jsonl) next to the PyTorch twin (torch-RECIPE.json):
median epoch, training time to the target validation accuracy, the model's validation and test accuracy."""
import glob, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import twin_common as tc  # noqa: E402


def json_lines(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line.startswith('{'):
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
    return rows


def bench_rows(out):
    """Every bench row, with 'file', and 'deformation_cost' on a deformed row after its plain twin."""
    rows = []
    for path in sorted(glob.glob(os.path.join(out, 'bench-*.txt'))):
        plain = {}
        for r in json_lines(path):
            if 'median_epoch_seconds' not in r:
                continue
            r['file'] = os.path.basename(path)
            key = (r['network'], r['batch'])
            if r.get('deformations') == 'none':
                plain[key] = r['median_epoch_seconds']
            elif key in plain:
                r['deformation_cost'] = r['median_epoch_seconds'] / plain[key]
            rows.append(r)
    return rows


def median(values):
    v = sorted(values)
    return v[len(v) // 2] if v else None


def ours(out, recipe):
    """gpu-mlp's figures for a recipe, or None when it did not run (or did not finish)."""
    res, met = (os.path.join(out, f'ours-{recipe}.{x}') for x in ('result.json', 'metrics.jsonl'))
    if not os.path.exists(met):
        return None
    epochs = json_lines(met)
    r = dict(impl='gpu-mlp', epochs_run=len(epochs), median_epoch_seconds=median([e['seconds'] for e in epochs]),
             train_seconds=sum(e['seconds'] for e in epochs))
    if os.path.exists(res):
        d = json.load(open(res))
        r.update({k: d.get(k) for k in ('network', 'device', 'model_epoch', 'validation_accuracy', 'test_accuracy')})
    else:
        r['unfinished'] = True
    return r, epochs


def torch_twin(out, recipe):
    path = os.path.join(out, f'torch-{recipe}.json')
    if not os.path.exists(path):
        return None
    d = json.load(open(path))
    r = {k: d.get(k) for k in ('impl', 'network', 'device', 'epochs_run', 'median_epoch_seconds', 'train_seconds',
                               'model_epoch', 'validation_accuracy', 'test_accuracy')}
    return r, d.get('epochs_detail', [])


def summarise(out):
    summary = dict(bench=bench_rows(out), recipes={})
    for recipe, spec in tc.RECIPES.items():
        sides = []
        for found in (ours(out, recipe), torch_twin(out, recipe)):
            if found is None:
                continue
            r, epochs = found
            key = 'validation_accuracy' if not epochs or 'validation_accuracy' in epochs[0] else 'test_accuracy'
            hit = tc.time_to_target(epochs, spec['target'], key)
            r['target'] = spec['target']
            r['time_to_target'] = None if hit is None else dict(epoch=hit[0], train_seconds=hit[1])
            sides.append(r)
        if sides:
            summary['recipes'][recipe] = sides
    return summary


def pct(v):
    return '-' if v is None else f'{100 * v:.2f}%'


def secs(v):
    return '-' if v is None else f'{v:.3f} s'


def main(out):
    s = summarise(out)
    for r in s['bench']:
        extra = ''
        if 'deformation_cost' in r:
            extra += f'  deformed/plain {r["deformation_cost"]:.2f}x'
        if 'median_over_floor' in r:
            extra += f'  {r["median_over_floor"]:.2f}x the floor ({r["floor_seconds"]:.4f} s)'
        if 'gpu_memory_peak_used_bytes' in r:
            extra += f'  peak memory {r["gpu_memory_peak_used_bytes"] / 2 ** 30:.2f} GiB'
        print(f'{r["file"]}: {r["network"]} batch {r["batch"]} {r["deformations"]}: '
              f'{secs(r["median_epoch_seconds"])}{extra}')
    for recipe, sides in s['recipes'].items():
        print(f'recipe {recipe} (target {pct(tc.RECIPES[recipe]["target"])} validation):')
        for r in sides:
            t = r['time_to_target']
            print(f'  {r.get("impl")}: {r.get("epochs_run")} epochs, median {secs(r.get("median_epoch_seconds"))}, '
                  f'training {secs(r.get("train_seconds"))}; to target: '
                  + ('not reached' if t is None else f'epoch {t["epoch"]}, {t["train_seconds"]:.1f} s of training')
                  + f'; model epoch {r.get("model_epoch")}, validation {pct(r.get("validation_accuracy"))}, '
                  f'test {pct(r.get("test_accuracy"))}' + (' (unfinished)' if r.get('unfinished') else ''))
    with open(os.path.join(out, 'summary.json'), 'w') as f:
        json.dump(s, f, indent=1)


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
