//go:build linux

package sim

import (
	"net"
	"syscall"
)

// quickAck asks the kernel to acknowledge the next segments at once. vpcd
// writes each message's 2-byte length and its body with separate send calls
// and leaves Nagle's algorithm on, so the body waits for the length's ACK;
// with Linux's delayed ACK that costs about 40 ms per message. Quick-ACK
// mode is not sticky, so it is set again before every read.
func quickAck(conn net.Conn) {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	_ = raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
