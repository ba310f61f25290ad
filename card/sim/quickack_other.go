//go:build !linux

package sim

import "net"

// quickAck is Linux-only (TCP_QUICKACK); elsewhere messages from vpcd may
// take a delayed-ACK interval longer.
func quickAck(net.Conn) {}
