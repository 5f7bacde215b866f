# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# make demo entry for hello/: the default greeting, then a named one.
demo_module hello/hello
demo_module hello/hello name=Ada
