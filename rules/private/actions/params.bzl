"""Passing a file of flags to the assembler."""

def params_file_arg(ctx, params):
    """Returns an Args holding just "@<params>", the assembler's params file syntax.

    Given as its own element of `arguments`, it stays a top-level argument
    when the action's other Args spill into a params file of their own.

    Args:
      ctx: the rule context.
      params: a File of flags, one a line.

    Returns:
      The Args.
    """
    args = ctx.actions.args()
    args.add(params, format = "@%s")
    return args
