"""What the analysis tests of rules_goimage share: reading the actions a target registers, and declaring the tests."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")

def mnemonics(env):
    return [a.mnemonic for a in analysistest.target_actions(env)]

def count(items, value):
    return len([i for i in items if i == value])

def actions(env, mnemonic):
    return [a for a in analysistest.target_actions(env) if a.mnemonic == mnemonic]

def argv(action):
    return " ".join(action.argv)

def contains(env, haystack, needle, what):
    asserts.true(env, needle in haystack, "{} lacks {}: {}".format(what, repr(needle), haystack))

def basenames(files):
    return sorted([f.basename for f in files])

def image_config(env):
    """The image config the go_image wrote at analysis time; the manifest action reads it.

    Args:
      env: the analysistest environment of a go_image.

    Returns:
      The config, decoded.
    """
    writes = [a for a in actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "config.json"]
    asserts.equals(env, 1, len(writes), "no action writes one config.json")
    contains(env, argv(actions(env, "GoImageManifest")[0]), "--config " + writes[0].outputs.to_list()[0].path, "the manifest's command line")
    return json.decode(writes[0].content)

# What signs a push, given only when it runs (after `--`, from the environment
# or from files): no action of a push or release target may hold any of it.
_SIGNING_WORDS = ["--sign-key", "--sign-certificate", "--signer-command", "--signer-timeout", "COSIGN_PASSWORD"]

def no_signing_inputs(env):
    """Asserts that no action of the target carries a signing flag or secret.

    Checks each action's command line, environment and, for files written at
    analysis time (the runner script, the release manifest), its content.

    Args:
      env: the analysistest environment of a push or release target.
    """
    for a in analysistest.target_actions(env):
        texts = list(a.argv or []) + list((a.env or {}).values()) + [a.content or ""]
        for word in _SIGNING_WORDS:
            for text in texts:
                asserts.false(env, word in text, "the {} action of a push or release holds {}: {}".format(a.mnemonic, repr(word), text))

def failure_test(message):
    """The implementation of a test that the target fails analysis with message."""

    def impl(ctx):
        env = analysistest.begin(ctx)
        asserts.expect_failure(env, message)
        return analysistest.end(env)

    return impl

def declare_tests(name, tests):
    """Declares each test on its target, and a test_suite of them.

    Args:
      name: the test_suite's name.
      tests: test name to (test rule, target under test).
    """
    for test_name, (test, target) in tests.items():
        test(name = test_name, target_under_test = target, size = "small")
    native.test_suite(name = name, tests = [":" + t for t in tests])
