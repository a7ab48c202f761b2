#!/bin/bash
# Keep the 7 newest backups in the given directory.
cd $1
ls -t *.tar.gz | tail -n +8 | xargs rm -f
