#!/usr/bin/env node
// `ipvsadm` is `tsvs adm`: the same binary, dispatching on the name it was invoked under.
import './tsvs.js';
