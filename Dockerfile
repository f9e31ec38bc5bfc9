# ainode container image: built on Debian 12 (the build type CI tests,
# RelWithDebInfo, then stripped), run on Debian 12 slim with only the shared
# libraries it links, plus the ones it opens at run time when an integration
# needs them (libcurl4: remote_write; libfreeipmi17: bmc;
# libsqlite3-0: the buffer; libssl3: TLS, and an https:// kubelet). Its C++
# libraries (libstdc++, protobuf-lite, yaml-cpp, snappy, toml++, fmt, spdlog)
# and nghttp2 are inside the binary (cmake/LeanBinary.cmake, which needs lld). The gRPC runtime is a build
# dependency only (the tests' fake kubelet); the agent speaks PodResources
# over nghttp2 and the kubelet's HTTPS over Boost.Beast.
#   docker build -t ainode:0.1.0 .
# The NVIDIA driver's libnvidia-ml.so.1 is not in the image: the NVIDIA
# container toolkit mounts it when the pod sets NVIDIA_DRIVER_CAPABILITIES=utility.

FROM debian:12-slim AS build
WORKDIR /src
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake ninja-build pkg-config git lld \
      libboost-dev zlib1g-dev libfmt-dev libspdlog-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev \
      libfreeipmi-dev libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc libcurl4-openssl-dev libnghttp2-dev libsnappy-dev libsqlite3-dev libncurses-dev \
      libyaml-cpp-dev libssl-dev libcrypt-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
 && cmake --build /build --target ainode \
 && strip /build/ainode

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libfreeipmi17 libcurl4 libsqlite3-0 \
      libssl3 libcrypt1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /build/ainode /usr/bin/ainode
COPY deploy/ainode.toml /etc/ainode/ainode.toml
EXPOSE 9100
# No per-thread malloc caches (deploy/systemd/ainode.service says why).
ENV GLIBC_TUNABLES=glibc.malloc.tcache_count=0
# Root in the container for RAPL energy files, /dev/ipmi0 and other users'
# /proc entries; the DaemonSet drops every capability (deploy/kubernetes/README.md).
ENTRYPOINT ["/usr/bin/ainode"]
CMD ["--config", "/etc/ainode/ainode.toml"]
