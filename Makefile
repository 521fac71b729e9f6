# vanthu — the two commands: `make run` and `make test` (Debian 12, as root). Both are idempotent:
# each step checks what is there and installs only what is missing.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMPS := .make

# Debian packages the service needs at run time, and the extra ones only the tests need.
RUN_DEBS := tesseract-ocr tesseract-ocr-vie softhsm2 poppler-utils qpdf \
            fonts-noto-core fonts-liberation2 fonts-dejavu-core opensc
TEST_DEBS := chromium

PKI_DIR := certs-sample
PKI_MANIFEST := $(PKI_DIR)/generated/manifest.json
PKI_PORT := 9786
PKI_PID := $(STAMPS)/pki-services.pid

export VANTHU_DATA_DIR ?= $(CURDIR)/vanthu-data

.PHONY: run test deps test-deps venv digits pki pki-services pki-services-stop demo lint bench clean help

help:
	@echo "make run   — install what is missing, start the sample PKI services and serve on http://127.0.0.1:8000"
	@echo "make test  — install what is missing and run the whole test suite"

# The demo signs with the sample PKI's time-stamping authority on loopback.
run: deps pki demo pki-services
	VANTHU_TSA_URL=http://127.0.0.1:$(PKI_PORT)/vanthu-sample/tsa/tsa $(VENV)/bin/vanthu serve

test: deps test-deps pki
	@bash .ci/pytest.sh

deps: $(STAMPS)/debs venv digits

test-deps: $(STAMPS)/test-debs

# apt-get runs only when a package is missing.
$(STAMPS)/debs: Makefile
	@mkdir -p $(STAMPS)
	@missing=$$(for p in $(RUN_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

$(STAMPS)/test-debs: Makefile
	@mkdir -p $(STAMPS)
	@missing=$$(for p in $(TEST_DEBS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages for the tests: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@

venv: $(STAMPS)/venv

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	@touch $@

# The handwritten-digit model of ocr/handnumber.py: trained from the installed fonts (~5 s) into
# ~/.cache/vanthu, so that the first scan with a handwritten number does not wait for it.
digits: venv
	@$(PY) -c "import ocr.digits; ocr.digits.load()"

# The sample PKI (keys, certificates, CRLs, PKCS#12 files, seal and signature images): generated
# once per checkout, for demos and tests only.
pki: $(PKI_MANIFEST)

$(PKI_MANIFEST): $(STAMPS)/venv $(PKI_DIR)/pki.yml $(PKI_DIR)/generate.py
	$(PY) $(PKI_DIR)/generate.py

# TSA, OCSP and CRLs of the sample PKI on loopback, in the background.
pki-services: pki
	@mkdir -p $(STAMPS)
	$(PY) $(PKI_DIR)/serve.py --background --port $(PKI_PORT) --pidfile $(PKI_PID) --log $(STAMPS)/pki-services.log

pki-services-stop:
	$(PY) $(PKI_DIR)/serve.py --stop --pidfile $(PKI_PID)

# The demo office (units, users, numbering books, the sample PKI imported): created once.
demo: venv pki
	$(VENV)/bin/vanthu demo-init

lint: venv
	$(VENV)/bin/ruff check .

bench: venv pki
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(STAMPS) $(PKI_DIR)/generated .pytest_cache
