#!/usr/bin/env python3
# Writes the first N train / M test samples of MNIST IDX files as reproducible gzip files (mtime 0).
"""Usage: make-subset.py SOURCE_DIR TARGET_DIR N_TRAIN N_TEST

SOURCE_DIR holds the four raw MNIST IDX files (train-images-idx3-ubyte, ...).
TARGET_DIR receives the same names with .gz: the first N_TRAIN training and
N_TEST test samples, with the sample count in each header rewritten.
Standard library only; gzip with mtime=0 and no file name, so the output is byte-for-byte reproducible.
"""
import gzip
import os
import struct
import sys

FILES = [
    ("train-images-idx3-ubyte", "train"),
    ("train-labels-idx1-ubyte", "train"),
    ("t10k-images-idx3-ubyte", "test"),
    ("t10k-labels-idx1-ubyte", "test"),
]


def subset(src, dst, n):
    with open(src, "rb") as f:
        data = f.read()
    zero, dtype, ndims = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08 or not 1 <= ndims <= 4:
        sys.exit(f"{src}: not an unsigned-byte IDX file (magic {data[:4].hex()})")
    dims = list(struct.unpack(">" + "I" * ndims, data[4:4 + 4 * ndims]))
    if n > dims[0]:
        sys.exit(f"{src}: has only {dims[0]} samples, {n} requested")
    per_sample = 1
    for d in dims[1:]:
        per_sample *= d
    header = 4 + 4 * ndims
    dims[0] = n
    out = data[:4] + struct.pack(">" + "I" * ndims, *dims) + data[header:header + n * per_sample]
    with open(dst, "wb") as raw:
        # filename="" and mtime=0 keep the gzip header free of anything that varies between runs.
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(out)
    print(f"{dst}: {dims} ({os.path.getsize(dst)} bytes)")


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    src_dir, dst_dir, n_train, n_test = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    os.makedirs(dst_dir, exist_ok=True)
    for name, role in FILES:
        subset(os.path.join(src_dir, name), os.path.join(dst_dir, name + ".gz"),
               n_train if role == "train" else n_test)


if __name__ == "__main__":
    main()
