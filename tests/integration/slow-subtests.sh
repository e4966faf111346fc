#!/bin/sh
# A test program of five slow subtests, printed the way kselftest_harness.h
# prints them, for a scheduler to fail during: ktstr run must name the
# subtest it failed in and count the ones that never ran.
echo "KTAP version 1"
echo "1..5"
for i in 1 2 3 4 5; do
	echo "#  RUN           slow.step$i ..."
	sleep 2
	echo "#            OK  slow.step$i"
	echo "ok $i slow.step$i"
done
