# Thin wrapper around CMake; see README.md for the quick start.
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps configure build test run bench docs rules dashboards package rpm release clean

deps:
	./scripts/install-deps.sh

configure: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja $(CMAKE_FLAGS)

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

run: build
	./$(BUILD_DIR)/ainode

bench: build
	./bench/run.sh

# docs/metrics.md is generated from the metric catalogue.
docs: build
	./$(BUILD_DIR)/ainode catalogue > docs/metrics.md

# The Kubernetes and Helm copies of deploy/prometheus/rules.
rules:
	python3 tools/rules/generate.py

# deploy/grafana/*.json from tools/dashboards/dashboards.py.
dashboards:
	python3 tools/dashboards/generate.py

# Debian package of the binary, systemd unit and default config (CPack).
package: build
	cd $(BUILD_DIR) && cpack -G DEB

# The same files as an RPM (CPack's RPM generator; needs rpmbuild).
rpm: build
	cd $(BUILD_DIR) && cpack -G RPM

# $(BUILD_DIR)/release/ainode-<version>-linux-<arch>.tar.gz and its .sha256:
# binary, unit, configs, dashboards, rules, manifests, docs (reproducible).
release: build
	./scripts/release.sh $(BUILD_DIR) $(BUILD_DIR)/release

clean:
	rm -rf $(BUILD_DIR)
