package image

import (
	"fmt"
	"strings"
)

// stopSignalProblem checks a stop signal as Docker (moby's
// signal.ParseSignal) and containerd take it on Linux: a signal's name, with
// or without SIG, in any case (SIGTERM, term, RTMIN+3), or its number, 1 to
// 64. It says what is wrong, or returns "".
func stopSignalProblem(s string) string {
	if n, ok := signalNumber(s); ok {
		if n >= 1 && n <= 64 {
			return ""
		}
		return fmt.Sprintf("%s is not a signal number: Linux's are 1 to 64", s)
	}
	name := strings.TrimPrefix(strings.ToUpper(s), "SIG")
	if signalNames[name] || realtimeSignal(name) {
		return ""
	}
	return fmt.Sprintf("%q is not a signal; give a name such as SIGTERM, SIGINT or SIGQUIT, or a number from 1 to 64", s)
}

// signalNames are the Linux signals by name, as moby's signal.SignalMap
// lists them.
var signalNames = map[string]bool{
	"ABRT": true, "ALRM": true, "BUS": true, "CHLD": true, "CLD": true, "CONT": true, "FPE": true, "HUP": true,
	"ILL": true, "INT": true, "IO": true, "IOT": true, "KILL": true, "PIPE": true, "POLL": true, "PROF": true,
	"PWR": true, "QUIT": true, "SEGV": true, "STKFLT": true, "STOP": true, "SYS": true, "TERM": true, "TRAP": true,
	"TSTP": true, "TTIN": true, "TTOU": true, "URG": true, "USR1": true, "USR2": true, "VTALRM": true, "WINCH": true,
	"XCPU": true, "XFSZ": true,
}

// realtimeSignal reports whether name is RTMIN, RTMIN+1..15, RTMAX or
// RTMAX-1..14.
func realtimeSignal(name string) bool {
	if name == "RTMIN" || name == "RTMAX" {
		return true
	}
	for prefix, most := range map[string]int{"RTMIN+": 15, "RTMAX-": 14} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			n, isNumber := signalNumber(rest)
			return isNumber && n >= 1 && n <= most
		}
	}
	return false
}

// signalNumber reads s as a decimal number of at most three digits.
func signalNumber(s string) (int, bool) {
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}
