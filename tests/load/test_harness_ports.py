"""The harness owns the ports its servers use (issue 22): no other process can bind them, so a
test never hears another run's server."""

import errno
import socket

import pytest

from tests.load.harness import free_port, listening_socket, release


def _bind(port):
    other = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        other.bind(("127.0.0.1", port))
    finally:
        other.close()


def test_a_servers_port_cannot_be_bound_by_anyone_else_while_its_test_holds_it():
    sock = listening_socket()
    try:
        with pytest.raises(OSError) as error:
            _bind(sock.getsockname()[1])
        assert error.value.errno == errno.EADDRINUSE
    finally:
        sock.close()


def test_a_free_port_refuses_connections_and_is_held_until_released():
    port = free_port()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with pytest.raises(OSError):
        _bind(port)
    release(port)
    _bind(port)  # now free for the server that asked for it
