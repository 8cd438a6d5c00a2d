"""Analysis tests of what go_image puts in an image besides its binary: the config, data files, layers and stamped metadata."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:defs.bzl", "GoImageLayerInfo")
load(":analysis_lib.bzl", "declare_tests", _actions = "actions", _argv = "argv", _config = "image_config", _contains = "contains", _count = "count", _failure_test = "failure_test", _mnemonics = "mnemonics")

def _params(env, name):
    """The content of the params file the go_image wrote at analysis time, by its basename."""
    for a in _actions(env, "FileWrite"):
        if [f for f in a.outputs.to_list() if f.basename == name]:
            return a.content
    fail("no params file " + name)

# --- config, data, layers and stamping ---------------------------------------------

def _configured_test(ctx, stamped):
    env = analysistest.begin(ctx)
    mnemonics = _mnemonics(env)

    # Data files are a layer of their own; a goimage_layer is reused as is.
    data = _actions(env, "GoImageLayer")
    asserts.equals(env, 1, len(data))
    _contains(env, _argv(data[0]), "index.html=/var/www/index.html", "the data layer's command line")
    manifest = _argv(_actions(env, "GoImageManifest")[0])
    config = _config(env)
    for field, value in {"cmd": ["--port=8080"], "workdir": "/app", "user": "65532:65532", "exposed_ports": ["8080/tcp"]}.items():
        asserts.equals(env, value, config[field], "the config's " + field)
    _contains(env, config["env"], "MODE=prod", "the config's env")
    asserts.equals(env, 3, manifest.count("--layer "))
    _contains(env, manifest, "config_layer.json", "the manifest's layers")

    # Labels, annotations and names reach the manifest through a file, stamped
    # by an action only when stamping.
    asserts.equals(env, 1 if stamped else 0, _count(mnemonics, "GoImageStamp"))
    if stamped:
        stamp = _argv(_actions(env, "GoImageStamp")[0])
        for part in ["built.by={BUILD_USER}", "org.opencontainers.image.revision={STABLE_GIT_COMMIT}", "example.com/app:{BUILD_USER}", "stable-status.txt", "volatile-status.txt"]:
            _contains(env, stamp, part, "the stamp action's command line")
    else:
        written = [a.content for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "image.params"]
        asserts.equals(env, "--label\nbuilt.by={BUILD_USER}\n--annotation\norg.opencontainers.image.revision={STABLE_GIT_COMMIT}\n--tag\nexample.com/app:{BUILD_USER}\n", written[0])
    return analysistest.end(env)

def _configured_test_impl(ctx):
    return _configured_test(ctx, stamped = False)

def _configured_stamped_test_impl(ctx):
    return _configured_test(ctx, stamped = True)

_configured_unstamped_test = analysistest.make(_configured_test_impl)
_configured_stamped_test = analysistest.make(
    _configured_stamped_test_impl,
    config_settings = {"//command_line_option:stamp": True},
)

# --- goimage_layer -----------------------------------------------------------

def _layer_test_impl(ctx):
    env = analysistest.begin(ctx)
    layer = analysistest.target_under_test(env)[GoImageLayerInfo]
    asserts.equals(env, "config_layer.tar.gz", layer.blob.basename)
    asserts.equals(env, "config_layer.json", layer.descriptor.basename)
    argv = _argv(_actions(env, "GoImageLayer")[0])
    _contains(env, argv, "index.html=/etc/app/index.html", "the layer's command line")
    _contains(env, argv, "--symlink /etc/app/current=/etc/app/index.html", "the layer's command line")
    return analysistest.end(env)

_layer_test = analysistest.make(_layer_test_impl)

# The assembler checks the config's values, in the manifest action
# (config_file_test runs it on these targets' config files): analysis
# passes them on as they are.
def _config_value_test(field, value):
    def impl(ctx):
        env = analysistest.begin(ctx)
        asserts.equals(env, value, _config(env)[field])
        return analysistest.end(env)

    return impl

_bad_port_test = analysistest.make(_config_value_test("exposed_ports", ["http"]))
_relative_workdir_test = analysistest.make(_config_value_test("workdir", "relative/dir"))
_bad_healthcheck_option_test = analysistest.make(_config_value_test("healthcheck", {"test": ["NONE"], "every": "30s"}))

# --- config fields and layer sources -----------------------------------------

def _full_config_test_impl(ctx):
    env = analysistest.begin(ctx)
    argv = _argv(_actions(env, "GoImageManifest")[0])
    _contains(env, argv, "--check tzdata=off", "the manifest's command line")
    config = _config(env)
    asserts.equals(env, "SIGINT", config["stop_signal"])
    asserts.equals(env, ["/var/cache/app"], config["volumes"])
    asserts.equals(env, {"test": ["CMD", "/app/app", "-health"], "interval": "30s", "retries": "3"}, config["healthcheck"])

    # As ko sets it, for programs that read their data files from it.
    _contains(env, config["env"], "KO_DATA_PATH=/app/data", "the config's env")
    layers = [_argv(a) for a in _actions(env, "GoImageLayer")]
    asserts.equals(env, 2, len(layers), "a layer for the tar and one for the data files: {}".format(layers))
    tar_layer = [a for a in layers if "--tar" in a]
    asserts.equals(env, 1, len(tar_layer), "no layer reads the tar: {}".format(layers))
    _contains(env, tar_layer[0], "--keep-tar-mtimes", "the tar layer's command line")
    data_layer = [a for a in layers if "--tar" not in a][0]
    _contains(env, data_layer, "--owner 65532:65532", "the data layer's command line")
    for a in layers + [_argv(_actions(env, "GoImageBinaryLayer")[0])]:
        _contains(env, a, "--compression zstd", "a layer's command line")
    return analysistest.end(env)

_full_config_test = analysistest.make(_full_config_test_impl)

# Data files come from under data_strip_prefix only.
_outside_prefix_test = analysistest.make(_failure_test("is not under data_strip_prefix \"testdata/kodata\""), expect_failure = True)

# --- capabilities, created and env, as the assembler takes them; it checks them ------

def _attributes_test_impl(ctx):
    env = analysistest.begin(ctx)

    # Each capability goes to the binary's layer, which writes it as an xattr.
    layer = " ".join(_actions(env, "GoImageBinaryLayer")[0].argv)
    for part in ["--capability cap_net_bind_service", "--capability NET_ADMIN+ep"]:
        _contains(env, layer, part, "the binary layer's command line")

    # created is a flag of the manifest action, through its params file,
    # which is written as it is when the build does not stamp.
    _contains(env, _params(env, "image.params"), "--created\n2024-05-01T12:00:00Z\n", "image.params")
    asserts.equals(env, [], _actions(env, "GoImageStamp"))

    # env values reach the assembler as written: it expands them against the base's.
    _contains(env, json.decode(_params(env, "config.json"))["env"], "PATH=/app/bin:$PATH", "the config's env")
    return analysistest.end(env)

_attributes_test = analysistest.make(_attributes_test_impl)

def _created_at_build_test_impl(ctx):
    env = analysistest.begin(ctx)

    # A stamped build fills {BUILD_TIMESTAMP} from the workspace status.
    stamp = _actions(env, "GoImageStamp")
    asserts.equals(env, 1, len(stamp))
    _contains(env, " ".join(stamp[0].argv), "--created {BUILD_TIMESTAMP}", "the stamp action's command line")
    inputs = [f.basename for f in stamp[0].inputs.to_list()]
    _contains(env, inputs, "volatile-status.txt", "the stamp action's inputs")
    return analysistest.end(env)

_created_at_build_test = analysistest.make(_created_at_build_test_impl)

def _defaults_test_impl(ctx):
    env = analysistest.begin(ctx)
    layer = " ".join(_actions(env, "GoImageBinaryLayer")[0].argv)
    asserts.false(env, "--capability" in layer, "an image without capabilities gives its binary some: " + layer)
    asserts.false(env, "--created" in _params(env, "image.params"), "an image without created sets it")
    return analysistest.end(env)

_defaults_test = analysistest.make(_defaults_test_impl)

def config_test_suite(name):
    """Declares the analysis tests of go_image's config, data and layers, and a test_suite of them.

    Args:
      name: the test_suite's name.
    """
    declare_tests(name, {
        "configured_test": (_configured_unstamped_test, ":configured"),
        "configured_stamped_test": (_configured_stamped_test, ":configured"),
        "layer_test": (_layer_test, ":config_layer"),
        "full_config_test": (_full_config_test, ":full_config"),
        "bad_port_test": (_bad_port_test, ":bad_port"),
        "relative_workdir_test": (_relative_workdir_test, ":relative_workdir"),
        "bad_healthcheck_option_test": (_bad_healthcheck_option_test, ":bad_healthcheck_option"),
        "outside_prefix_test": (_outside_prefix_test, ":outside_prefix"),
        "config_attributes_test": (_attributes_test, ":with_capabilities"),
        "created_at_build_test": (_created_at_build_test, ":created_at_build"),
        "config_defaults_test": (_defaults_test, ":single"),
    })
