"""Checks the actions of rules_goimage for remote execution, from
`bazel aquery --output=jsonproto`: none asks to run locally or outside a
sandbox, and only the documented repacks (the tarball and the complete
layout, which copy blobs already stored) stay out of the remote cache."""

import json
import sys

# Execution requirements that keep an action from remote execution.
LOCAL = {"local", "no-remote", "no-remote-exec", "no-sandbox", "no-cache"}
# The documented exceptions: mnemonic to the requirements it may carry.
ALLOWED = {
    "GoImageTarball": {"no-remote-cache"},
    "GoImageLayout": {"no-remote-cache"},
}


def main(path):
    with open(path) as f:
        graph = json.load(f)
    problems, seen = [], {}
    for action in graph.get("actions", []):
        mnemonic = action.get("mnemonic", "")
        if not mnemonic.startswith("GoImage"):
            continue
        seen[mnemonic] = seen.get(mnemonic, 0) + 1
        keys = {e["key"] for e in action.get("executionInfo", [])}
        bad = (keys & LOCAL) | (keys - ALLOWED.get(mnemonic, set()) - {"supports-path-mapping"})
        if bad:
            problems.append("{} has execution requirements {}".format(mnemonic, sorted(bad)))
    for mnemonic in ["GoImageBinaryLayer", "GoImageManifest", "GoImageTarball"]:
        if not seen.get(mnemonic):
            problems.append("no {} action was found: the query does not cover the rules".format(mnemonic))
    for p in problems:
        print("FAIL:", p)
    print("checked {} actions: {}".format(sum(seen.values()), ", ".join("{} {}".format(n, m) for m, n in sorted(seen.items()))))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
