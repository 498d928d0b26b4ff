#!/usr/bin/python3
"""pillow_batch.py - the batch of lesson 07 in Python with Pillow, to hold the C version against.

Every image of INPUT_FOLDER is opened, converted to gray (convert('L'), the same BT.601
weights), halved with a 2 x 2 box filter (reduce(2)) and saved as PGM in OUTPUT_FOLDER: the
same work as the C batch. With --processes 1 in a loop; with more, on a multiprocessing.Pool of
that many processes, each taking one image at a time. Prints "median seconds S" of --repeat
runs. Run it with Debian's /usr/bin/python3, which has python3-pil.

    /usr/bin/python3 pillow_batch.py --processes 2 --repeat 5 IN OUT
"""
import argparse
import multiprocessing
import os
import statistics
import sys
import time

from PIL import Image


def shrink(paths):
    source, target = paths
    try:
        # As the C batch does: a new file rather than the old one cut to length, which ext4
        # would write to the disk at once (see README.md).
        if os.path.exists(target):
            os.remove(target)
        with Image.open(source) as image:
            image.convert("L").reduce(2).save(target)
    except (OSError, ValueError) as error:   # a bad image is reported and skipped
        print(f"skipped {source}: {error}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("input_folder")
    parser.add_argument("output_folder")
    options = parser.parse_args()
    if options.processes < 1 or options.repeat < 1:
        parser.error("--processes and --repeat must be at least 1")
    os.makedirs(options.output_folder, exist_ok=True)
    jobs = [(os.path.join(options.input_folder, name),
             os.path.join(options.output_folder, os.path.splitext(name)[0] + ".pgm"))
            for name in sorted(os.listdir(options.input_folder))
            if not name.startswith(".")]
    seconds = []
    if options.processes == 1:
        for _ in range(options.repeat):
            start = time.perf_counter()
            for job in jobs:
                shrink(job)
            seconds.append(time.perf_counter() - start)
    else:
        # The pool is started once, outside the timing, as a long-running program would:
        # the measured time is only the work, handed out one image at a time.
        with multiprocessing.Pool(options.processes) as pool:
            pool.map(shrink, jobs[:options.processes])  # every process has started
            for _ in range(options.repeat):
                start = time.perf_counter()
                pool.map(shrink, jobs, chunksize=1)
                seconds.append(time.perf_counter() - start)
    print(f"median seconds {statistics.median(seconds):.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
