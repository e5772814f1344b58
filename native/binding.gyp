{
  "targets": [
    {
      "target_name": "tsvs_native",
      "sources": ["src/addon.c", "src/napi_util.c", "src/raw_ip.c", "src/packet_tx.c", "src/netlink.c", "src/packet_ring.c", "src/packet_ring_rx.c"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "conditions": [["OS!='linux'", {"sources!": ["src/raw_ip.c", "src/packet_tx.c", "src/netlink.c", "src/packet_ring.c", "src/packet_ring_rx.c"], "sources": ["src/unsupported.c", "src/packet_ring_unsupported.c"]}]]
    }
  ]
}
