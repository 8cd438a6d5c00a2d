package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"

	contentapi "github.com/containerd/containerd/api/services/content/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
)

// chunkSize is the size of one write message: well under containerd's
// 16 MiB message limit.
const chunkSize = 1 << 20

// contentStore is containerd's content service, as load uses it.
type contentStore struct {
	client contentapi.ContentClient
}

// info returns the store's labels of the blob, and false when it lacks it.
func (c contentStore) info(ctx context.Context, b blob) (map[string]string, bool, error) {
	resp, err := c.client.Info(ctx, &contentapi.InfoRequest{Digest: b.desc.Digest.String()})
	if status.Code(err) == codes.NotFound {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("asking containerd's content store for %s: %w", b.desc.Digest, err)
	}
	return resp.GetInfo().GetLabels(), true, nil
}

// label sets b's garbage collection labels on a blob the store already has
// (written by another client, or before a failed load), where they are missing.
func (c contentStore) label(ctx context.Context, b blob, have map[string]string) error {
	var paths []string
	for k, v := range b.labels {
		if have[k] != v {
			paths = append(paths, "labels."+k)
		}
	}
	if len(paths) == 0 {
		return nil
	}
	_, err := c.client.Update(ctx, &contentapi.UpdateRequest{
		Info:       &contentapi.Info{Digest: b.desc.Digest.String(), Labels: maps.Clone(b.labels)},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: paths},
	})
	if err != nil {
		return fmt.Errorf("labelling %s in containerd's content store: %w", b.desc.Digest, err)
	}
	return nil
}

// write writes b to the store through one write stream, which commits it
// with the digest and size it must have, and its labels.
func (c contentStore) write(ctx context.Context, b blob) error {
	err := c.stream(ctx, b)
	if err != nil && status.Code(err) != codes.AlreadyExists {
		return fmt.Errorf("writing %s (%d bytes) to containerd's content store: %w", b.desc.Digest, b.desc.Size, err)
	}
	return nil
}

func (c contentStore) stream(ctx context.Context, b blob) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := c.client.Write(ctx)
	if err != nil {
		return err
	}
	// The ref names the ingest by the blob's digest: what a load that was
	// stopped midway wrote of the same blob is resumed, as containerd's
	// client resumes it; the commit checks the digest of the whole.
	ref := "goimage-load-" + b.desc.Digest.String()
	offset, err := send(w, &contentapi.WriteContentRequest{Action: contentapi.WriteAction_STAT, Ref: ref})
	if err != nil {
		return err
	}
	r, err := b.open()
	if err != nil {
		return err
	}
	defer r.Close()
	if _, err := io.CopyN(io.Discard, r, offset); err != nil {
		return fmt.Errorf("skipping the %d bytes written before: %w", offset, err)
	}
	if offset, err = sendData(w, ref, offset, r); err != nil {
		return err
	}
	if offset != b.desc.Size {
		return fmt.Errorf("read %d bytes, the descriptor says %d", offset, b.desc.Size)
	}
	_, err = send(w, &contentapi.WriteContentRequest{
		Action: contentapi.WriteAction_COMMIT, Ref: ref, Offset: offset,
		Total: b.desc.Size, Expected: b.desc.Digest.String(), Labels: b.labels,
	})
	if err != nil {
		return err
	}
	return w.CloseSend()
}

// sendData sends what r holds, from offset on, in chunks and returns the
// offset reached.
func sendData(w contentapi.Content_WriteClient, ref string, offset int64, r io.Reader) (int64, error) {
	buf := make([]byte, chunkSize)
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			req := &contentapi.WriteContentRequest{Action: contentapi.WriteAction_WRITE, Ref: ref, Offset: offset, Data: buf[:n]}
			if _, err := send(w, req); err != nil {
				return 0, err
			}
			offset += int64(n)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return offset, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// send sends one request of a write stream and returns the offset the
// store reports after it.
func send(w contentapi.Content_WriteClient, req *contentapi.WriteContentRequest) (int64, error) {
	if err := w.Send(req); err != nil {
		// The stream's own error, from Recv, says why.
		if _, rerr := w.Recv(); rerr != nil {
			return 0, rerr
		}
		return 0, err
	}
	resp, err := w.Recv()
	if err != nil {
		return 0, err
	}
	return resp.GetOffset(), nil
}
