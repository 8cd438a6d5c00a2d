"""Writes the script behind a runnable target (`bazel run //app:image.push`) that calls the assembler."""

def runfiles_path(ctx, file):
    """The path of a file below the runfiles directory, `<repository>/<path>`.

    Args:
      ctx: the rule context.
      file: a File in the target's runfiles.

    Returns:
      The path, as a string.
    """
    if file.short_path.startswith("../"):
        return file.short_path[3:]
    return ctx.workspace_name + "/" + file.short_path

def _quote(s):
    return "'" + s.replace("'", "'\\''") + "'"

_TEMPLATE = """#!/usr/bin/env bash
# {description}
# Written by rules_goimage; arguments are passed on to `assembler {verb}`
# (see `assembler {verb} --help`), after the ones set on the target.
# Keys, passwords and signer commands are never written here: give them when
# it runs, after --, or through the environment and files.
set -euo pipefail
runfiles=${{RUNFILES_DIR:-$0.runfiles}}
if [ ! -d "$runfiles" ]; then
  echo "{name}: no runfiles at $runfiles; run it with bazel run {label}" >&2
  exit 1
fi
run() {{ exec "$runfiles/"{assembler} {verb} "$@"; }}
run {args} "$@"
"""

def write_runner(ctx, *, assembler, verb, args, description):
    """Writes an executable script that runs `assembler <verb> <args> "$@"`.

    The script is an output of the build, kept in caches and shown by
    `bazel aquery`: args must hold no secret. Signing keys, passwords and
    signer commands reach the assembler only when the script runs.

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider; it must be in the target's runfiles.
      verb: the assembler verb, such as "push".
      args: list of strings and Files; Files become their runfiles paths.
      description: a line saying what running it does.

    Returns:
      The script File.
    """
    script = ctx.actions.declare_file(ctx.label.name + ".sh")
    words = []
    for a in args:
        if type(a) == "File":
            words.append('"$runfiles/"' + _quote(runfiles_path(ctx, a)))
        else:
            words.append(_quote(a))
    ctx.actions.write(
        output = script,
        content = _TEMPLATE.format(
            description = description,
            verb = verb,
            name = ctx.label.name,
            label = str(ctx.label),
            assembler = _quote(runfiles_path(ctx, assembler.executable)),
            args = " ".join(words),
        ),
        is_executable = True,
    )
    return script
