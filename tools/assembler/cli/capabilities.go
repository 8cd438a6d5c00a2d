package cli

import (
	"flag"
	"fmt"
	"path"

	"github.com/rules-goimage/rules_goimage/tools/assembler/layer"
)

// registerCapabilities registers --capability, of build and layer.
func registerCapabilities(fs *flag.FlagSet, terms *stringList) {
	fs.Var(terms, "capability", "a Linux file capability of each --binary, as ko's linux_capabilities takes it: a name such as "+
		"cap_net_bind_service (or NET_BIND_SERVICE), which the binary gets as permitted, or a setcap clause such as "+
		"cap_net_bind_service+ep; repeated. Written as the binary's security.capability extended attribute")
}

// capabilityXattrs are the extended attributes that give a binary the
// file capabilities terms name; nil for none.
func capabilityXattrs(terms []string) (map[string][]byte, error) {
	xattrs, err := layer.CapabilityXattrs(terms)
	if err != nil {
		return nil, fmt.Errorf("--capability: %w", err)
	}
	return xattrs, nil
}

// setCapabilities gives the entries at the paths of binaries the file
// capabilities terms name.
func setCapabilities(entries []layer.Entry, binaries map[string]bool, terms []string) error {
	xattrs, err := capabilityXattrs(terms)
	if err != nil || xattrs == nil {
		return err
	}
	for i, e := range entries {
		if binaries[path.Clean("/"+e.Path)] {
			entries[i].Xattrs = xattrs
		}
	}
	return nil
}

// checkCreatedAndCapabilities reads --created and checks --capability.
func (f *buildFlags) checkCreatedAndCapabilities() error {
	var err error
	if f.createdAt, err = parseCreated(f.created); err != nil {
		return err
	}
	if len(f.capabilities) > 0 && f.binary == "" {
		return fmt.Errorf("--capability gives capabilities to the --binary: give --binary")
	}
	_, err = capabilityXattrs(f.capabilities)
	return err
}
