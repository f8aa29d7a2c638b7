"""PyTorch twin of gpu-mlp's deformation recipes (see src/bench/README.md), for a side-by-side run on one GPU.

    python3 deform_twin.py DATA_DIR --recipe simard|ciresan [--epochs N] [--mode graph|eager|compile] [--json FILE]
    python3 deform_twin.py --self-check [cpu]   the GPU (or CPU) deformations against NumPy references (seconds)

The same network (784-H...-10, ReLU, softmax cross-entropy), He initialisation (N(0, 2 / fan_in), zero biases), SGD
with momentum (v = mu v + mean gradient; w -= eta v), schedule (eta of each epoch as train/Schedule.java), batch size
(the last, smaller batch included), validation split (the last 1/6 of the training images), and deformations (per sample
and epoch: uniform [-1, 1) field, Gaussian of ceil(3 sigma) taps each side with zeros outside the image, times alpha;
affine map about the centre; bilinear resampling, zeros outside) as gpu-mlp; done on the GPU with batched tensor
operations, the step captured as a CUDA graph. Random draws (initial weights, order, fields) come from torch's
generator, not gpu-mlp's Philox. Prints a line per epoch, then RESULT and one JSON object: epoch times, validation
accuracy per epoch, time to the target validation accuracy, the best-by-validation epoch's test accuracy."""
import json, math, os, sys, time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import twin_common as tc  # noqa: E402

DEV = 'cuda'


class Deformer:
    """Deforms a batch of images (n x 1 x h x w floats in [0, 1]) anew on every call, on the GPU."""

    def __init__(self, a, h, w):
        self.a, self.h, self.w = a, h, w
        ys, xs = torch.meshgrid(torch.arange(h, device=DEV, dtype=torch.float32),
                                torch.arange(w, device=DEV, dtype=torch.float32), indexing='ij')
        self.x, self.y = xs, ys
        self.affine = any((a.rotate, a.scale, a.shear, a.translate))
        if a.elastic:
            g = torch.tensor(tc.gaussian(a.elastic[1]), device=DEV)
            self.r = tc.radius(a.elastic[1])
            self.kx = g.view(1, 1, 1, -1)
            self.ky = g.view(1, 1, -1, 1)

    def enabled(self):
        return self.affine or bool(self.a.elastic)

    def __call__(self, img):
        n, h, w = img.shape[0], self.h, self.w
        m = None
        if self.affine:
            u = torch.rand(n, 6, device=DEV) * 2 - 1
            m = tc.affine_maps(u.double(), self.a.rotate, self.a.scale, self.a.shear, self.a.translate, h, w,
                               xp=torch).float()
        field = self.smooth(torch.rand(n, 2, h, w, device=DEV) * 2 - 1) if self.a.elastic else None
        return self.warp(img, m, field)

    def smooth(self, raw):
        """deform_smooth_rows then deform_smooth_cols, times alpha: n x 2 x h x w fields, zeros outside the image."""
        n, _, h, w = raw.shape
        f = raw.reshape(n * 2, 1, h, w)
        f = F.conv2d(F.conv2d(f, self.kx, padding=(0, self.r)), self.ky, padding=(self.r, 0))
        return (f * self.a.elastic[0]).view(n, 2, h, w)

    def warp(self, img, m, field):
        """deform_resample: pixel (x, y) reads the source at (m00 x + m01 y + ox + dx, m10 x + m11 y + oy + dy),
        bilinear, zeros outside; m: n x 6 (None: the identity), field: n x 2 x h x w (None: none)."""
        n, h, w = img.shape[0], self.h, self.w
        if m is not None:
            c = [m[:, i].view(n, 1, 1) for i in range(6)]
            sx = c[0] * self.x + c[1] * self.y + c[4]
            sy = c[2] * self.x + c[3] * self.y + c[5]
        else:
            sx = self.x.expand(n, h, w)
            sy = self.y.expand(n, h, w)
        if field is not None:
            sx = sx + field[:, 0]
            sy = sy + field[:, 1]
        gx, gy = tc.to_grid(sx, sy, h, w)
        return F.grid_sample(img, torch.stack([gx, gy], -1), mode='bilinear', padding_mode='zeros', align_corners=True)


def self_check():
    """The GPU deformation against twin_common's NumPy references (themselves checked against gpu-mlp's CPU twins by
    test_twin_common.py) on random images, fields and maps; returns the largest differences."""
    import numpy as np
    torch.backends.cudnn.allow_tf32 = False
    a = tc.settings(['-', '--recipe', 'ciresan', '--elastic', '34,4'])
    h, w, n = 28, 28, 8
    d = Deformer(a, h, w)
    rng = np.random.default_rng(1)
    raw = rng.uniform(-1, 1, (n, 2, h, w))
    img = rng.integers(0, 256, (n, h, w))
    m = tc.affine_maps(rng.uniform(-1, 1, (n, 6)), 15.0, 15.0, 10.0, 2.0, h, w)
    field = d.smooth(torch.tensor(raw, device=DEV, dtype=torch.float32))
    ref_field = tc.smooth_reference(raw, 4.0, 34.0)
    out = d.warp(torch.tensor(img / 255.0, device=DEV, dtype=torch.float32).view(n, 1, h, w),
                 torch.tensor(m, device=DEV, dtype=torch.float32), field)
    ref = np.stack([tc.resample_reference(img[i], m[i], field[i].double().cpu().numpy()) for i in range(n)])
    return (float(np.abs(field.double().cpu().numpy() - ref_field).max()),
            float(np.abs(out[:, 0].double().cpu().numpy() - ref).max()))


class Net:
    """784-H...-10 with ReLU: weights (d_in x d_out) ~ N(0, 2 / d_in), biases 0; momentum buffers zero."""

    def __init__(self, sizes):
        self.params = []
        for d_in, d_out in zip(sizes[:-1], sizes[1:]):
            w = (torch.randn(d_in, d_out, device=DEV) * math.sqrt(2.0 / d_in)).requires_grad_()
            self.params += [w, torch.zeros(d_out, device=DEV, requires_grad=True)]
        self.bufs = [torch.zeros_like(p) for p in self.params]

    def forward(self, x, dropout=0.0):
        for i in range(0, len(self.params), 2):
            x = torch.addmm(self.params[i + 1], x, self.params[i])
            if i + 2 < len(self.params):
                x = F.relu(x)
                if dropout:
                    x = F.dropout(x, dropout, training=True)
        return x

    @torch.no_grad()
    def update(self, lr, mu):
        for p, v in zip(self.params, self.bufs):
            v.mul_(mu).add_(p.grad)
            p.sub_(v * lr)

    def snapshot(self):
        return [p.detach().clone() for p in self.params]

    @torch.no_grad()
    def restore(self, saved):
        for p, s in zip(self.params, saved):
            p.copy_(s)


class Trainer:
    """One step = gather, deform, input dropout, forward, loss, backward, update; as a CUDA graph in mode graph."""

    def __init__(self, a, net, deformer, x_train, y_train):
        self.a, self.net, self.deformer = a, net, deformer
        self.x, self.y = x_train, y_train
        self.lr = torch.zeros((), device=DEV)
        self.loss_sum = torch.zeros((), device=DEV)
        self.correct = torch.zeros((), device=DEV, dtype=torch.long)
        self.loss_fn = self._loss
        if a.mode == 'compile':
            self.loss_fn = torch.compile(self._loss)
        self.graph = None
        if a.mode == 'graph':
            self._capture()

    def _loss(self, idx):
        img = self.x.index_select(0, idx)
        if self.deformer.enabled():
            img = self.deformer(img)
        x = img.flatten(1)
        if self.a.input_dropout:
            x = F.dropout(x, self.a.input_dropout, training=True)
        logits = self.net.forward(x, self.a.dropout)
        y = self.y.index_select(0, idx)
        loss = F.cross_entropy(logits, y)
        return loss, (logits.argmax(1) == y).sum()

    def _step(self, idx):
        loss, correct = self.loss_fn(idx)
        loss.backward()
        self.net.update(self.lr, self.a.momentum)
        with torch.no_grad():
            self.loss_sum.add_(loss.detach() * idx.numel())
            self.correct.add_(correct)

    def _capture(self):
        saved = self.net.snapshot()
        self.idx = torch.arange(self.a.batch, device=DEV)
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3):
                for p in self.net.params:
                    p.grad = None
                self._step(self.idx)
        torch.cuda.current_stream().wait_stream(s)
        for p in self.net.params:
            p.grad = None
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self._step(self.idx)
        self.net.restore(saved)
        for v in self.net.bufs:
            v.zero_()

    def epoch(self, order, lr):
        """One pass in `order` (a permutation on the device); returns (samples, loss sum, correct)."""
        self.lr.fill_(lr)
        self.loss_sum.zero_()
        self.correct.zero_()
        b, n = self.a.batch, order.numel()
        for start in range(0, n, b):
            idx = order[start:start + b]
            if self.graph is not None and idx.numel() == b:
                self.idx.copy_(idx)
                self.graph.replay()
            else:  # eager, and the last, smaller batch of graph mode
                for p in self.net.params:
                    if p.grad is not None:
                        p.grad.zero_()
                self._step(idx)
        return n, self.loss_sum.item(), self.correct.item()


@torch.no_grad()
def evaluate(net, x, y, chunk=10000):
    loss, correct = 0.0, 0
    for i in range(0, len(y), chunk):
        logits = net.forward(x[i:i + chunk].flatten(1))
        loss += F.cross_entropy(logits, y[i:i + chunk], reduction='sum').item()
        correct += (logits.argmax(1) == y[i:i + chunk]).sum().item()
    return loss / len(y), correct / len(y)


def sync():
    if DEV != 'cpu':
        torch.cuda.synchronize()


def device_name():
    return torch.cuda.get_device_name(0) if DEV != 'cpu' else 'cpu'


def main(argv):
    global DEV
    if argv and argv[0] == '--self-check':
        DEV = argv[1] if len(argv) > 1 else DEV
        smooth, resample = self_check()
        ok = smooth < 1e-4 and resample < 1e-4
        print(f'self-check: smoothing max difference {smooth:.2g} (fields of magnitude ~34), resampling {resample:.2g} '
              f'(images in [0, 1]), limit 1e-4: {"ok" if ok else "FAILED"}', flush=True)
        sys.exit(0 if ok else 1)
    a = tc.settings(argv)
    DEV = a.device
    if DEV == 'cpu' and a.mode == 'graph':
        a.mode = 'eager'  # CUDA graphs need a GPU
    torch.backends.cuda.matmul.allow_tf32 = a.tf32
    torch.backends.cudnn.allow_tf32 = a.tf32
    torch.manual_seed(a.seed)
    xs, ys, xv, yv, xt, yt = tc.load(a.data, a.validation, a.limit)

    def images(u8):
        return torch.tensor(u8.copy(), device=DEV).float().div_(255).view(-1, 1, 28, 28)

    x_train, y_train = images(xs), torch.tensor(ys, device=DEV)
    x_test, y_test = images(xt), torch.tensor(yt, device=DEV)
    held = 'validation' if len(yv) else 'test'
    x_held, y_held = (images(xv), torch.tensor(yv, device=DEV)) if len(yv) else (x_test, y_test)
    sizes = [x_train[0].numel()] + a.hidden + [10]
    shape = '-'.join(map(str, sizes))
    print(f'torch {torch.__version__}, {device_name()}, {shape}, recipe {a.recipe}, mode {a.mode}, '
          f'{"TF32" if a.tf32 else "FP32"}, {len(ys)} train / {len(yv)} validation', flush=True)
    t_setup = time.perf_counter()
    net = Net(sizes)
    trainer = Trainer(a, net, Deformer(a, 28, 28), x_train, y_train)
    sync()
    setup = time.perf_counter() - t_setup
    records, best, best_key = [], None, None
    wall0 = time.perf_counter()
    for e in range(a.epochs):
        lr = tc.rate(a.schedule, a.lr, e, a.epochs)
        order = torch.randperm(len(ys), device=DEV)
        sync()
        t0 = time.perf_counter()
        n, loss_sum, correct = trainer.epoch(order, lr)
        sync()
        seconds = time.perf_counter() - t0
        vloss, vacc = evaluate(net, x_held, y_held)
        r = dict(epoch=e + 1, lr=lr, train_loss=loss_sum / n, train_accuracy=correct / n, seconds=seconds,
                 wall_seconds=time.perf_counter() - wall0)
        r[held + '_loss'], r[held + '_accuracy'] = vloss, vacc
        records.append(r)
        print(f'epoch {e + 1:3d}  lr {lr:.5f}  train loss {r["train_loss"]:.4f} acc {100 * r["train_accuracy"]:6.2f}%  '
              f'{held[:3]} loss {vloss:.4f} acc {100 * vacc:6.2f}%  {seconds:.3f} s', flush=True)
        if not math.isfinite(r['train_loss']):
            print('diverged', flush=True)
            break
        key = (vacc, -vloss)
        if held == 'validation' and (best_key is None or key > best_key):
            best_key, best = key, (e + 1, net.snapshot())
        if a.time_limit and time.perf_counter() - wall0 > a.time_limit and e + 1 < a.epochs:
            print(f'time limit {a.time_limit:g} s reached after epoch {e + 1}', flush=True)
            break
    model_epoch = len(records)
    if best is not None:
        model_epoch = best[0]
        net.restore(best[1])
    tloss, tacc = evaluate(net, x_test, y_test)
    times = sorted(r['seconds'] for r in records)
    hit = tc.time_to_target(records, a.target, held + '_accuracy')
    result = dict(impl='pytorch-' + a.mode, recipe=a.recipe, network=shape, batch=a.batch, lr=a.lr, momentum=a.momentum,
                  schedule=a.schedule, epochs=a.epochs, epochs_run=len(records), tf32=a.tf32,
                  elastic=list(a.elastic) if a.elastic else None, rotate=a.rotate, scale=a.scale, shear=a.shear,
                  translate=a.translate, torch=torch.__version__, device=device_name(),
                  setup_seconds=setup, median_epoch_seconds=times[len(times) // 2] if times else None,
                  train_seconds=sum(times), wall_seconds=time.perf_counter() - wall0,
                  target=a.target, target_on=held,
                  time_to_target=None if hit is None else dict(epoch=hit[0], train_seconds=hit[1], wall_seconds=hit[2]),
                  model_epoch=model_epoch, test_loss=tloss, test_accuracy=tacc,
                  peak_memory_bytes=torch.cuda.max_memory_allocated() if DEV != 'cpu' else None, epochs_detail=records)
    if held == 'validation' and records:
        result['validation_accuracy'] = records[model_epoch - 1]['validation_accuracy']
    print(f'model from epoch {model_epoch}; test accuracy {100 * tacc:.2f}% (loss {tloss:.4f}); time to '
          f'{100 * a.target:.2f}% {held}: ' + ('not reached' if hit is None else
                                                f'epoch {hit[0]}, {hit[1]:.1f} s training, {hit[2]:.1f} s wall'),
          flush=True)
    print('RESULT ' + json.dumps(result), flush=True)
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(result, f, indent=1)


if __name__ == '__main__':
    main(sys.argv[1:])
