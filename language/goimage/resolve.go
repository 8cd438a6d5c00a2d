package goimage

import (
	"context"

	"github.com/bazel-contrib/bazel-gazelle/v2/resolve"
)

// droppedAttrsKey is the private attribute of a generated image that lists
// its droppedValue attributes.
const droppedAttrsKey = "_goimage_dropped_attrs"

// Resolve resolves nothing: an image's binary and base are already labels.
// It runs between Gazelle's two merges of a generated rule into its BUILD
// file, and takes the droppedValue attributes off the rule: the first
// merge deleted them from the BUILD file, and the second one would copy
// them back as they are.
func (*goimageLang) Resolve(_ context.Context, args resolve.ResolveArgs) error {
	dropped, _ := args.Rule.PrivateAttr(droppedAttrsKey).([]string)
	for _, key := range dropped {
		args.Rule.DelAttr(key)
	}
	return nil
}
