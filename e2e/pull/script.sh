#!/bin/sh
echo "a script, not a Go binary"
