#!/bin/bash
# build variant: ./build.sh out lc.cpp rd.cpp
g++ -std=c++20 -O3 -DNDEBUG -I/work/main/src -I/tmp/exp/inc -o $1 main.cpp $2 $3 /work/main/build/release/src/estimate/libathar_estimate.a /work/main/build/release/src/core/libathar_core.a -lpthread 2>&1 | grep -v "multiple definition" | head -20
