package image

import (
	"fmt"
	"strings"
)

// ExpandEnv expands the variables that value names, as Docker's ENV
// instruction does, against env, a list of KEY=VALUE (the base's
// environment): $NAME and ${NAME} are NAME's value, empty when env does not
// set it; ${NAME:-WORD} is WORD when NAME is unset or empty, and
// ${NAME:+WORD} is WORD when it is set and not empty (WORD may name
// variables too). \$ is a literal $; any other backslash stays as it is,
// and a $ that no name follows stays too. Quotes are not removed: the value
// is taken as given.
func ExpandEnv(value string, env []string) (string, error) {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	x := &expander{in: value, vars: vars}
	out, err := x.expand("")
	if err != nil {
		return "", fmt.Errorf("expanding %q: %w", value, err)
	}
	return out, nil
}

type expander struct {
	in   string
	pos  int
	vars map[string]string
}

// expand reads up to the end of the input, or to the rune stop, which
// ends a ${NAME:-WORD} word.
func (x *expander) expand(stop string) (string, error) {
	var out strings.Builder
	for x.pos < len(x.in) {
		c := x.in[x.pos]
		switch {
		case stop != "" && strings.HasPrefix(x.in[x.pos:], stop):
			return out.String(), nil
		case c == '\\' && x.pos+1 < len(x.in) && x.in[x.pos+1] == '$':
			out.WriteByte('$')
			x.pos += 2
		case c == '$':
			v, err := x.variable()
			if err != nil {
				return "", err
			}
			out.WriteString(v)
		default:
			out.WriteByte(c)
			x.pos++
		}
	}
	if stop != "" {
		return "", fmt.Errorf("a ${ has no closing }")
	}
	return out.String(), nil
}

// variable reads $NAME or ${...} at x.pos and returns its expansion.
func (x *expander) variable() (string, error) {
	x.pos++ // the $
	if x.pos < len(x.in) && x.in[x.pos] == '{' {
		x.pos++
		return x.braced()
	}
	name := x.name()
	if name == "" {
		return "$", nil
	}
	return x.vars[name], nil
}

// braced reads NAME}, NAME:-WORD} or NAME:+WORD}.
func (x *expander) braced() (string, error) {
	name := x.name()
	if name == "" {
		return "", fmt.Errorf("${ at offset %d is not followed by a variable name", x.pos-2)
	}
	rest := x.in[x.pos:]
	switch {
	case strings.HasPrefix(rest, "}"):
		x.pos++
		return x.vars[name], nil
	case strings.HasPrefix(rest, ":-"), strings.HasPrefix(rest, ":+"):
		op := rest[1]
		x.pos += 2
		word, err := x.expand("}")
		if err != nil {
			return "", err
		}
		x.pos++ // the }
		value := x.vars[name]
		if (op == '-') == (value == "") {
			return word, nil
		}
		if op == '-' {
			return value, nil
		}
		return "", nil
	case rest == "":
		return "", fmt.Errorf("${%s has no closing }", name)
	}
	return "", fmt.Errorf("${%s%s is not one of the forms $NAME, ${NAME}, ${NAME:-WORD} and ${NAME:+WORD}; write \\$ for a literal $", name, rest[:1])
}

// name reads a variable name: a letter or underscore, then letters,
// digits and underscores.
func (x *expander) name() string {
	start := x.pos
	for x.pos < len(x.in) {
		c := x.in[x.pos]
		letter := c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
		if !letter && !(x.pos > start && '0' <= c && c <= '9') {
			break
		}
		x.pos++
	}
	return x.in[start:x.pos]
}
