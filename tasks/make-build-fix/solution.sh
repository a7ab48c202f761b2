#!/bin/bash
# Reference solution: a Makefile with a real tab, -lm, directory creation,
# header dependencies and a complete clean target.
set -euo pipefail
cd /app
printf '%s\n' \
  'CC = gcc' \
  'CFLAGS = -O2 -Wall -Wextra -std=c11' \
  'LDLIBS = -lm' \
  'OBJ = build/main.o build/stats.o' \
  '' \
  'all: bin/stats' \
  '' \
  'bin/stats: $(OBJ)' \
  '	@mkdir -p bin' \
  '	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)' \
  '' \
  'build/%.o: src/%.c src/stats.h' \
  '	@mkdir -p build' \
  '	$(CC) $(CFLAGS) -c -o $@ $<' \
  '' \
  'clean:' \
  '	rm -rf bin build' \
  '' \
  '.PHONY: all clean' > Makefile
make clean
make
echo 1 2 3 4 5 | tr ' ' '\n' | ./bin/stats
