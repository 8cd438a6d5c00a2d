"""Reads a Bazel execution log (--execution_log_json_file: a stream of JSON
spawn records) for the image actions of rules_goimage (mnemonics GoImage*).

  python3 tools/execlog.py image-actions LOG
      prints "SECONDS BYTES": their time, and the bytes of their outputs
  python3 tools/execlog.py cache-hits LOG
      fails unless every image action but the tarball's came from the remote
      cache, and names them
"""

import json
import sys


def spawns(path):
    with open(path) as f:
        text = f.read()
    decoder, pos = json.JSONDecoder(), 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return
        spawn, pos = decoder.raw_decode(text, pos)
        if spawn.get("mnemonic", "").startswith("GoImage"):
            yield spawn


def seconds(duration):
    return float(str(duration).rstrip("s") or 0)


def image_actions(path):
    secs = written = 0
    for spawn in spawns(path):
        metrics = spawn.get("metrics", {})
        secs += seconds(metrics.get("totalTime", spawn.get("walltime", "0s")))
        written += sum(int(o.get("digest", {}).get("sizeBytes", 0)) for o in spawn.get("actualOutputs", []))
    print(secs, written)
    return 0


def cache_hits(path):
    hit, missed = [], []
    for spawn in spawns(path):
        # The tarball only repacks cached blobs, and stays out of caches.
        if spawn["mnemonic"] != "GoImageTarball":
            (hit if spawn.get("runner") == "remote cache hit" else missed).append(spawn["mnemonic"])
    print("from the remote cache:", ", ".join(hit) or "none")
    if missed:
        print("not from the remote cache:", ", ".join(missed))
    return 1 if missed or not hit else 0


if __name__ == "__main__":
    commands = {"image-actions": image_actions, "cache-hits": cache_hits}
    if len(sys.argv) != 3 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    sys.exit(commands[sys.argv[1]](sys.argv[2]))
