"""The PyTorch twin's parts that need no torch (checked with NumPy by test_twin_common.py): the recipes and their
gpu-mlp command lines, argument parsing, MNIST IDX reading (raw or .gz), the validation split, the learning-rate
schedules, the Gaussian taps and affine maps of gpu-mlp's deformations (cpu/DeformOps.java, backend/Deformation.java),
and time to a target accuracy.

    python3 twin_common.py java-args RECIPE [--epochs N ...]   prints gpu-mlp train options for the recipe
"""
import argparse, gzip, json, math, os, struct, sys

import numpy as np

# One place for each recipe; gpu-mlp's command and the twin's run are both built from it.
RECIPES = {
    # Simard et al. 2003: 784-800-10 with elastic distortions (README, "Measured with deformations").
    'simard': dict(hidden=[800], epochs=80, batch=128, lr=0.1, momentum=0.9, schedule='cosine', elastic=(34.0, 4.0),
                   rotate=0.0, scale=0.0, shear=0.0, translate=0.0, tf32=False, target=0.992),
    # Ciresan et al. 2010: the deep plain MLP with elastic and affine deformations, TF32 products.
    'ciresan': dict(hidden=[2500, 2000, 1500, 1000, 500], epochs=60, batch=128, lr=0.05, momentum=0.9,
                    schedule='cosine', elastic=(36.0, 6.0), rotate=15.0, scale=15.0, shear=0.0, translate=0.0,
                    tf32=True, target=0.995),
}


def idx(data_dir, name):
    """The IDX array data_dir/name (or name.gz), as uint8 with the file's shape."""
    p = os.path.join(data_dir, name)
    if os.path.exists(p):
        raw = open(p, 'rb').read()
    elif os.path.exists(p + '.gz'):
        raw = gzip.open(p + '.gz').read()
    else:
        raise FileNotFoundError(f'{p} (or {p}.gz) not found')
    magic = struct.unpack('>I', raw[:4])[0]
    if magic >> 8 != 0x08:
        raise ValueError(f'{p}: not an unsigned-byte IDX file (magic {magic:#x})')
    nd = magic & 0xff
    dims = struct.unpack('>' + 'I' * nd, raw[4:4 + 4 * nd])
    body = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd)
    if body.size != int(np.prod(dims)):
        raise ValueError(f'{p}: {body.size} bytes of data for shape {dims}')
    return body.reshape(dims)


def held_out(n, validation):
    """How many of n images --validation holds out: a count ('10000'), a fraction ('0.1', '1/6') rounded half up, at
    least 1, or '0' for none (train/ValidationSplit.java)."""
    v = str(validation)
    if '/' in v:
        a, b = (int(t) for t in v.split('/'))
        count = max(1, (2 * n * a + b) // (2 * b))  # n a / b rounded half up, exactly
    elif '.' in v:
        from decimal import Decimal, ROUND_HALF_UP
        count = max(1, int((Decimal(n) * Decimal(v)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    else:
        count = int(v)
    if count >= n:
        raise ValueError(f'--validation {v} holds out {count} of the {n} training images, leaving none to train on')
    return min(count, n)


def load(data_dir, validation='1/6', limit=0):
    """(train x, train y, validation x, validation y, test x, test y) as uint8 images n x 784 and int64 labels: the
    first `limit` training images (0: all), of which the last held_out(...) validate, as gpu-mlp splits them."""
    xs = idx(data_dir, 'train-images-idx3-ubyte')
    ys = idx(data_dir, 'train-labels-idx1-ubyte').astype(np.int64)
    xt = idx(data_dir, 't10k-images-idx3-ubyte')
    yt = idx(data_dir, 't10k-labels-idx1-ubyte').astype(np.int64)
    n = min(limit, len(xs)) if limit else len(xs)
    xs, ys = xs[:n].reshape(n, -1), ys[:n]
    v = held_out(n, validation)
    return xs[:n - v], ys[:n - v], xs[n - v:], ys[n - v:], xt.reshape(len(xt), -1), yt


def rate(schedule, eta, e, epochs, step_every=3, step_gamma=0.5):
    """The learning rate of 0-based epoch e (train/Schedule.java)."""
    if schedule == 'constant':
        return eta
    if schedule == 'step':
        return eta * step_gamma ** (e // step_every)
    if schedule == 'cosine':
        return eta * 0.5 * (1.0 + math.cos(math.pi * e / epochs))
    raise ValueError(schedule)


def radius(sigma):
    """Taps on each side of the Gaussian's centre: ceil(3 sigma)."""
    return int(math.ceil(3.0 * sigma))


def gaussian(sigma):
    """The normalised smoothing Gaussian, 2 radius + 1 taps, computed in double and rounded to float32 once."""
    r = radius(sigma)
    k = np.arange(-r, r + 1, dtype=np.float64)
    g = np.exp(-k * k / (2.0 * float(np.float32(sigma)) ** 2))
    return (g / g.sum()).astype(np.float32)


def affine_maps(u, rotate, scale, shear, translate, h, w, xp=np):
    """Per row of u (n x 6 uniforms in [-1, 1): rotation, x scale, y scale, shear, x shift, y shift), the sampling map
    {m00, m01, m10, m11, ox, oy} of cpu/DeformOps.affineMap: output pixel (x, y) samples the source at
    (m00 x + m01 y + ox, m10 x + m11 y + oy). xp is numpy or torch (the same formulas, float64 in, as the caller's)."""
    deg = math.pi / 180.0
    theta = rotate * u[:, 0] * deg
    sx = 1.0 + scale * u[:, 1] / 100.0
    sy = 1.0 + scale * u[:, 2] / 100.0
    phi = shear * u[:, 3] * deg
    tx = translate * u[:, 4]
    ty = translate * u[:, 5]
    cos, sin, t = xp.cos(theta), xp.sin(theta), xp.tan(phi)
    m00 = (cos + t * sin) / sx
    m01 = (sin - t * cos) / sx
    m10 = -sin / sy
    m11 = cos / sy
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    px, py = cx + tx, cy + ty
    return xp.stack([m00, m01, m10, m11, cx - (m00 * px + m01 * py), cy - (m10 * px + m11 * py)], 1)


def to_grid(sx, sy, h, w):
    """Source pixel coordinates to grid_sample's [-1, 1] with align_corners=True (-1 and 1 are the centres of the first
    and last pixels), so bilinear sampling with zeros padding reads what cpu/DeformOps.bilinear reads."""
    return sx * (2.0 / (w - 1)) - 1.0, sy * (2.0 / (h - 1)) - 1.0


def smooth_reference(raw, sigma, alpha):
    """deform_smooth_rows then deform_smooth_cols (times alpha) of fields n x 2 x h x w in NumPy: a separable
    convolution with gaussian(sigma), values outside the image counting as 0 (what conv2d's zero padding does)."""
    g = gaussian(sigma).astype(np.float64)
    r = radius(sigma)
    n, c, h, w = raw.shape
    p = np.zeros((n, c, h, w + 2 * r))
    p[..., r:r + w] = raw
    rows = sum(g[k] * p[..., k:k + w] for k in range(2 * r + 1))
    p = np.zeros((n, c, h + 2 * r, w))
    p[:, :, r:r + h] = rows
    return alpha * sum(g[k] * p[:, :, k:k + h] for k in range(2 * r + 1))


def sample_reference(img, gx, gy):
    """grid_sample(mode='bilinear', padding_mode='zeros', align_corners=True) of one h x w image at grid points
    (gx, gy) in [-1, 1], in NumPy: each of the four neighbours outside the image counts as 0."""
    h, w = img.shape
    x = (gx + 1) / 2 * (w - 1)
    y = (gy + 1) / 2 * (h - 1)
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    fx, fy = x - x0, y - y0

    def at(xi, yi):
        inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
        return np.where(inside, img[np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)], 0.0)
    return ((1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0))
            + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1)))


def resample_reference(img, m, field=None):
    """deform_resample of one h x w image (0..255) in NumPy through to_grid and sample_reference: output pixel (x, y)
    reads the source at (m00 x + m01 y + ox + dx, m10 x + m11 y + oy + dy), divided by 255."""
    h, w = img.shape
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    sx = m[0] * x + m[1] * y + m[4]
    sy = m[2] * x + m[3] * y + m[5]
    if field is not None:
        sx, sy = sx + field[0], sy + field[1]
    return sample_reference(img.astype(np.float64), *to_grid(sx, sy, h, w)) / 255.0


def time_to_target(epochs, target, key='validation_accuracy'):
    """(epoch, cumulative training seconds, cumulative wall seconds or None) of the first epoch record whose `key` is
    at least `target`; None when none is. Records hold 'seconds' (training) and optionally 'wall_seconds'."""
    train = 0.0
    for r in epochs:
        train += r['seconds']
        if r[key] >= target:
            return r['epoch'], train, r.get('wall_seconds')
    return None


def parser():
    ap = argparse.ArgumentParser(description='PyTorch twin of a gpu-mlp deformation recipe (src/bench/README.md).')
    ap.add_argument('data', help='the four MNIST IDX files, raw or .gz')
    ap.add_argument('--recipe', choices=sorted(RECIPES), default='simard')
    ap.add_argument('--hidden', help='hidden sizes, comma separated (default: the recipe\'s)')
    for name, kind in (('epochs', int), ('batch', int), ('lr', float), ('momentum', float), ('target', float),
                       ('rotate', float), ('scale', float), ('shear', float), ('translate', float)):
        ap.add_argument('--' + name, type=kind, help=f'default: the recipe\'s')
    ap.add_argument('--schedule', choices=('constant', 'step', 'cosine'))
    ap.add_argument('--elastic', help='ALPHA,SIGMA, or 0 for none (default: the recipe\'s)')
    ap.add_argument('--tf32', choices=('on', 'off'), help='TF32 products (default: the recipe\'s)')
    ap.add_argument('--dropout', type=float, default=0.0)
    ap.add_argument('--input-dropout', type=float, default=0.0)
    ap.add_argument('--validation', default='1/6')
    ap.add_argument('--limit', type=int, default=0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--mode', choices=('graph', 'eager', 'compile'), default='graph',
                    help='graph: the step captured as a CUDA graph (default); compile: torch.compile')
    ap.add_argument('--device', default='cuda', help='torch device (default cuda; cpu runs eager, for checking the script)')
    ap.add_argument('--time-limit', type=float, default=0, help='stop after the epoch that passes this many seconds')
    ap.add_argument('--json', help='also write the results here')
    return ap


def settings(argv):
    """The parsed arguments with every recipe default filled in (hidden a list, elastic a pair or None)."""
    a = parser().parse_args(argv)
    r = RECIPES[a.recipe]
    for k in ('epochs', 'batch', 'lr', 'momentum', 'target', 'rotate', 'scale', 'shear', 'translate', 'schedule'):
        if getattr(a, k) is None:
            setattr(a, k, r[k])
    a.hidden = [int(h) for h in a.hidden.split(',')] if a.hidden else list(r['hidden'])
    if a.elastic is None:
        a.elastic = r['elastic']
    elif a.elastic == '0':
        a.elastic = None
    else:
        a.elastic = tuple(float(t) for t in a.elastic.split(','))
    a.tf32 = r['tf32'] if a.tf32 is None else a.tf32 == 'on'
    if a.epochs < 1 or a.batch < 1 or not a.lr > 0 or not 0 <= a.momentum < 1:
        raise SystemExit('twin: --epochs and --batch must be at least 1, --lr positive, --momentum in [0, 1)')
    return a


def java_args(a):
    """gpu-mlp train options for the same run (shuffles and random draws differ: each side uses its own generator)."""
    args = ['--hidden', ','.join(map(str, a.hidden)), '--epochs', str(a.epochs), '--batch-size', str(a.batch),
            '--lr', repr(a.lr), '--momentum', repr(a.momentum), '--schedule', a.schedule, '--seed', str(a.seed),
            '--dropout', repr(a.dropout), '--input-dropout', repr(a.input_dropout), '--validation', a.validation]
    if a.limit:
        args += ['--limit', str(a.limit)]
    if a.elastic:
        args += ['--elastic', '%g,%g' % a.elastic]
    for k in ('rotate', 'scale', 'shear', 'translate'):
        if getattr(a, k):
            args += ['--' + k, '%g' % getattr(a, k)]
    if a.tf32:
        args += ['--tf32']
    return args


if __name__ == '__main__':
    if len(sys.argv) >= 3 and sys.argv[1] == 'java-args':
        print(' '.join(java_args(settings(['-', '--recipe', sys.argv[2]] + sys.argv[3:]))))
    else:
        sys.exit(__doc__)
