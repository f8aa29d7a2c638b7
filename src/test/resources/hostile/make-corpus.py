#!/usr/bin/env python3
# Writes the hostile-input corpus next to this script (run it from anywhere; needs only the Python standard library).
# Each file is small and crafted to hit one check; cases.csv says how each is used and what gpu-mlp must answer.
import gzip, io, json, os, struct, zipfile, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(rel, data):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---- IDX ------------------------------------------------------------------------------------------
def idx(dims, data, typ=0x08):
    return bytes([0, 0, typ, len(dims)]) + b''.join(struct.pack('>I', d) for d in dims) + data


images = idx([10, 28, 28], bytes(10 * 784))
put('idx/bad-magic', b'\x89PNG\r\n\x1a\n' + bytes(100))
put('idx/float-type', idx([10, 28, 28], bytes(64), typ=0x0D))
put('idx/zero-dims', bytes([0, 0, 8, 0]))
put('idx/huge-dims', idx([0x7fffffff, 0x7fffffff, 1], b''))
put('idx/truncated', images[:-100])
put('idx/trailing', images + b'junk')
put('idx/empty', b'')
put('idx/zero-pixels', idx([10, 0, 28], b''))
put('idx/gzip-garbage.gz', gzip.compress(images, mtime=0) + b'garbage after the gzip data')
put('idx/gzip-truncated.gz', gzip.compress(images, mtime=0)[:-20])
bad_crc = bytearray(gzip.compress(images, mtime=0))
bad_crc[-8] ^= 0xff
put('idx/gzip-bad-crc.gz', bytes(bad_crc))
put('idx/gzip-bomb-claim.gz', gzip.compress(idx([60000, 28, 28], bytes(1000)), mtime=0))
put('idx/label-out-of-range', idx([3000], bytes([1] * 2999 + [200])))
put('idx/labels-too-few', idx([9], bytes(9)))
put('idx/labels-3-dims', idx([10, 1, 1], bytes(10)))


# ---- .npy and model .npz ---------------------------------------------------------------------------
def npy(rows, cols, dict_text=None, values=None, version=(1, 0)):
    if dict_text is None:
        dict_text = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
    body = dict_text.encode('latin1')
    pad = 64 - (10 + len(body) + 1) % 64
    header = body + b' ' * pad + b'\n'
    data = struct.pack('<%df' % (rows * cols), *(values if values is not None else [0.01] * (rows * cols)))
    return b'\x93NUMPY' + bytes(version) + struct.pack('<H', len(header)) + header + data


def metadata(sizes, shape=None):
    return json.dumps({
        'format': 'gpu-mlp/1', 'layer_sizes': sizes,
        'activations': ['relu'] * (len(sizes) - 2) + ['softmax'],
        'input_shape': shape or [28, 28], 'pixel_scale': 'x = pixel / 255',
        'bias': 'row 0 of each W multiplies the constant input x0 = 1',
        'training': {}, 'data': {}, 'created': '2026-01-01T00:00:00Z', 'software': 'gpu-mlp corpus'})


def npz(entries, method=zipfile.ZIP_STORED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w', method) as z:
        for name, data in entries:
            z.writestr(name, data)
    return out.getvalue()


SIZES = [784, 4, 10]
good_w = [('W1.npy', npy(785, 4)), ('W2.npy', npy(5, 10))]
put('model/not-a-zip.npz', 'this is not a zip file\n')
put('model/no-metadata.npz', npz(good_w))
put('model/metadata-not-json.npz', npz(good_w + [('metadata.json', '{"format": ')]))
put('model/layer-size-overflow.npz', npz([good_w[0], ('metadata.json', metadata([2147483647, 10], [1, 2147483647]))]))
put('model/huge-matrix.npz', npz([('W1.npy', npy(785, 4)), ('metadata.json', metadata([784, 1000000, 10]))]))
put('model/huge-network.npz', npz([('W1.npy', npy(785, 4)), ('metadata.json', metadata([784, 500000, 1000, 500000, 1000, 10]))]))
dup = "{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (785, 4), }"
put('model/npy-duplicate-descr.npz', npz([('W1.npy', npy(785, 4, dup)), good_w[1], ('metadata.json', metadata(SIZES))]))
extra = "{'descr': '<f4', 'fortran_order': False, 'shape': (785, 4), 'extra': 1, }"
put('model/npy-extra-key.npz', npz([('W1.npy', npy(785, 4, extra)), good_w[1], ('metadata.json', metadata(SIZES))]))
not_tuple = "{'descr': '<f4', 'fortran_order': False, 'shape': (3140), }"
put('model/npy-shape-not-tuple.npz', npz([('W1.npy', npy(785, 4, not_tuple)), good_w[1], ('metadata.json', metadata(SIZES))]))
f8 = "{'descr': '<f8', 'fortran_order': False, 'shape': (785, 4), }"
put('model/npy-float64.npz', npz([('W1.npy', npy(785, 4, f8)), good_w[1], ('metadata.json', metadata(SIZES))]))
put('model/npy-truncated.npz', npz([('W1.npy', npy(785, 4)[:-400]), good_w[1], ('metadata.json', metadata(SIZES))]))
nan = [0.01] * 20 + [float('nan')] + [0.01] * 29
put('model/nan-weights.npz', npz([good_w[0], ('W2.npy', npy(5, 10, values=nan)), ('metadata.json', metadata(SIZES))]))
crc = bytearray(npz(good_w + [('metadata.json', metadata(SIZES))]))
crc[200] ^= 0x55  # inside W1.npy's stored values
put('model/bad-crc.npz', bytes(crc))
put('model/metadata-trailing.npz', npz(good_w + [('metadata.json', metadata(SIZES) + '\n{"format": "gpu-mlp/1"}')]))
put('model/metadata-garbage.npz', npz(good_w + [('metadata.json', metadata(SIZES) + 'garbage')]))
put('model/metadata-duplicate-key.npz', npz(good_w + [('metadata.json', '{"layer_sizes": [1, 10], ' + metadata(SIZES)[1:])]))
put('model/deflated-size-lie.npz', npz([('W1.npy', npy(785, 4) + bytes(1 << 20)), good_w[1], ('metadata.json', metadata(SIZES))],
                                       zipfile.ZIP_DEFLATED))


# ---- images ---------------------------------------------------------------------------------------
def png_chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)


def png(width, height, rows):
    ihdr = struct.pack('>IIBBBBB', width, height, 8, 0, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', ihdr) + png_chunk(b'IDAT', zlib.compress(rows))
            + png_chunk(b'IEND', b''))


put('image/huge.png', png(20000, 20000, bytes(20001) * 10))
put('image/truncated.png', png(28, 28, bytes(29 * 28))[:30])
put('image/not-an-image.png', 'just text\n')
put('image/huge.pgm', 'P5 100000 100000 255\n' + 'x' * 100)
put('image/maxval-zero.pgm', 'P2 2 2 0\n0 0 0 0\n')
put('image/huge.gif', b'GIF89a' + struct.pack('<HH', 65535, 65535) + bytes([0, 0, 0]) + b',' + struct.pack('<HHHH', 0, 0, 65535, 65535)
    + bytes([0, 2, 2, 0x4c, 1, 0]) + b';')
put('image/huge.bmp', b'BM' + struct.pack('<IHHI', 70, 0, 0, 54) + struct.pack('<IiiHHIIiiII', 40, 30000, 30000, 1, 24, 0, 0, 0, 0, 0, 0)
    + bytes(16))


# ---- checkpoints ----------------------------------------------------------------------------------
def checkpoint(fields, drop=()):
    j = {'format': 'gpu-mlp-checkpoint/2', 'epochs_done': 0, 'samples_into_epoch': 0, 'partial_loss_sum': 0.0,
         'partial_correct': 0, 'partial_seconds': 0.0, 'layer_sizes': SIZES, 'momentum': False,
         'settings': {'hidden': [4]}, 'data': {}, 'records': []}
    j.update(fields)
    for k in drop:
        del j[k]
    return npz([('W1.npy', npy(785, 4)), ('W2.npy', npy(5, 10)), ('checkpoint.json', json.dumps(j))], zipfile.ZIP_DEFLATED)


put('checkpoint/settings-missing.npz', checkpoint({}, drop=['settings']))
put('checkpoint/settings-null.npz', checkpoint({'settings': None}))
put('checkpoint/data-null.npz', checkpoint({'data': None}))
put('checkpoint/data-not-strings.npz', checkpoint({'data': {'a': 1}}))
put('checkpoint/layer-size-overflow.npz', checkpoint({'layer_sizes': [2147483647, 10]}))
put('checkpoint/layer-size-text.npz', checkpoint({'layer_sizes': ['784', 10]}))
put('checkpoint/not-a-zip.npz', 'junk\n')
put('checkpoint/empty-json.npz', npz([('checkpoint.json', '{}')]))
put('checkpoint/json-array.npz', npz([('checkpoint.json', '[1, 2]')]))

# ---- sweep files ----------------------------------------------------------------------------------
put('sweep/duplicate-key.yaml', 'parameters:\n  lr: [0.1, 0.2]\n  lr: [0.3]\n')
put('sweep/alias.yaml', 'rates: &r [0.1, 0.2]\nparameters:\n  lr: *r\n')
put('sweep/too-many-combinations.json', json.dumps({'parameters': {'p%d' % i: list(range(10)) for i in range(20)}}))
put('sweep/binary.yaml', bytes(range(256)))
put('sweep/no-parameters.yaml', 'lr: [0.1]\n')
put('sweep/unknown-option.yaml', 'parameters:\n  launch-missiles: [true]\n')
put('sweep/deep-nesting.yaml', 'parameters:\n  lr: ' + '[' * 5000 + ']' * 5000 + '\n')
put('sweep/empty.yaml', '')
put('sweep/null-value.yaml', 'parameters:\n  lr: [null]\n')
put('sweep/latin1.yaml', 'parameters:\n  lr: [0.1]  # taux d\'apprentissage \xe9lev\xe9\n'.encode('latin1'))
put('sweep/utf16.yaml', 'parameters:\n  lr: [0.1]\n'.encode('utf-16'))
put('sweep/utf16le-no-bom.yaml', 'parameters:\n  lr: [0.1]\n'.encode('utf-16-le'))
put('sweep/png.yaml', png(28, 28, bytes(29 * 28)))
put('sweep/two-documents.yaml', 'parameters:\n  lr: [0.1]\n---\nparameters:\n  lr: [0.2]\n')

# ---- result files (report) ------------------------------------------------------------------------
put('result/not-json.json', 'not json at all')
put('result/array.json', '[1, 2, 3]')
put('result/deep-nesting.json', '[' * 5000 + ']' * 5000)
put('result/accuracy-text.json', '{"test_accuracy": "high"}')
