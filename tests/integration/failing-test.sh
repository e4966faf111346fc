#!/bin/sh
# A test program that fails on purpose: ktstr run must say "not ok".
echo "this test fails with status 7"
exit 7
