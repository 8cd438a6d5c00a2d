package layer

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// CapabilityXattr is the extended attribute that holds a file's Linux
// capabilities, which a layer's tar carries as the PAX record
// SCHILY.xattr.security.capability.
const CapabilityXattr = "security.capability"

// capabilityNumbers are the Linux capabilities by name, as
// linux/capability.h numbers them.
var capabilityNumbers = map[string]uint{
	"chown": 0, "dac_override": 1, "dac_read_search": 2, "fowner": 3, "fsetid": 4, "kill": 5,
	"setgid": 6, "setuid": 7, "setpcap": 8, "linux_immutable": 9, "net_bind_service": 10,
	"net_broadcast": 11, "net_admin": 12, "net_raw": 13, "ipc_lock": 14, "ipc_owner": 15,
	"sys_module": 16, "sys_rawio": 17, "sys_chroot": 18, "sys_ptrace": 19, "sys_pacct": 20,
	"sys_admin": 21, "sys_boot": 22, "sys_nice": 23, "sys_resource": 24, "sys_time": 25,
	"sys_tty_config": 26, "mknod": 27, "lease": 28, "audit_write": 29, "audit_control": 30,
	"setfcap": 31, "mac_override": 32, "mac_admin": 33, "syslog": 34, "wake_alarm": 35,
	"block_suspend": 36, "audit_read": 37, "perfmon": 38, "bpf": 39, "checkpoint_restore": 40,
}

// FileCapabilities encodes the Linux file capabilities that terms give as
// the value of the security.capability extended attribute (struct
// vfs_cap_data, revision 2), as ko's linux_capabilities writes it. A term
// is a capability name, which the file gets as permitted (so a list of
// names is "name1,name2=p"), or a setcap clause such as
// "cap_net_bind_service+ep" or "bpf,perfmon=p". A name is spelled with or
// without cap_, in any case (net_bind_service, CAP_NET_BIND_SERVICE), or
// is a number from 0 to 63, or "all". Terms that give the file no
// capability give nil: no attribute.
func FileCapabilities(terms []string) ([]byte, error) {
	var s capabilitySets
	for _, term := range terms {
		if err := s.apply(term); err != nil {
			return nil, err
		}
	}
	if s.permitted == 0 && s.inheritable == 0 {
		return nil, nil
	}
	const revision2, effective = 0x02000000, 0x1
	magic := uint32(revision2)
	if s.effective != 0 {
		magic |= effective
	}
	out := binary.LittleEndian.AppendUint32(nil, magic)
	for _, half := range []uint{0, 32} {
		out = binary.LittleEndian.AppendUint32(out, uint32(s.permitted>>half))
		out = binary.LittleEndian.AppendUint32(out, uint32(s.inheritable>>half))
	}
	return out, nil
}

// CapabilityXattrs are the extended attributes of a file that has the
// capabilities terms name (see FileCapabilities); nil for none.
func CapabilityXattrs(terms []string) (map[string][]byte, error) {
	caps, err := FileCapabilities(terms)
	if err != nil || caps == nil {
		return nil, err
	}
	return map[string][]byte{CapabilityXattr: caps}, nil
}

// capabilitySets are the file's permitted, inheritable and effective
// sets, one bit a capability.
type capabilitySets struct{ permitted, inheritable, effective uint64 }

// apply takes one term: a name, or a setcap clause "names" followed by
// operators (+, -, =) and the sets they act on (p, i, e).
func (s *capabilitySets) apply(term string) error {
	at := strings.IndexAny(term, "+-=")
	if at < 0 {
		mask, err := parseCapability(term)
		if err != nil {
			return err
		}
		s.permitted |= mask
		return nil
	}
	names, actions := term[:at], term[at:]
	if names == "" && actions[0] == '=' {
		names = "all"
	}
	var mask uint64
	for _, name := range strings.Split(names, ",") {
		m, err := parseCapability(name)
		if err != nil {
			return fmt.Errorf("capability term %q: %w", term, err)
		}
		mask |= m
	}
	add := true
	for _, a := range actions {
		var set *uint64
		switch a {
		case '+':
			add = true
		case '-':
			add = false
		case '=':
			add = true
			s.permitted, s.inheritable, s.effective = s.permitted&^mask, s.inheritable&^mask, s.effective&^mask
		case 'p':
			set = &s.permitted
		case 'i':
			set = &s.inheritable
		case 'e':
			set = &s.effective
		default:
			return fmt.Errorf("capability term %q: %q is not an operator (+, -, =) or a set (p, i, e)", term, a)
		}
		if set != nil && add {
			*set |= mask
		} else if set != nil {
			*set &^= mask
		}
	}
	return nil
}

// parseCapability is the bit of one capability name, or of all of them.
func parseCapability(name string) (uint64, error) {
	if n, err := strconv.ParseUint(name, 10, 6); err == nil {
		return 1 << n, nil
	}
	key := strings.ToLower(name)
	if key == "all" {
		var all uint64
		for _, n := range capabilityNumbers {
			all |= 1 << n
		}
		return all, nil
	}
	key = strings.TrimPrefix(key, "cap_")
	if n, ok := capabilityNumbers[key]; ok {
		return 1 << n, nil
	}
	return 0, fmt.Errorf("unknown Linux capability %q; use a name of capabilities(7), with or without cap_, such as cap_net_bind_service (the names: %s), a number from 0 to 63, or all", name, strings.Join(capabilityNames(), ", "))
}

func capabilityNames() []string {
	out := make([]string, 0, len(capabilityNumbers))
	for name := range capabilityNumbers {
		out = append(out, name)
	}
	sort.Slice(out, func(i, j int) bool { return capabilityNumbers[out[i]] < capabilityNumbers[out[j]] })
	return out
}
