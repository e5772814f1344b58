// FILE_CHECK from the configuration: the track_file blocks name the files, init_file writes them at
// the first load (not over an existing one on reload), and each value written moves the real server's
// weight or takes it out and back, as keepalived does (track_file.c, check_file.c).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackFileInit, TrackFiles } from './ports.js';
import { harness } from './testkit.js';

/** Track files in memory: a value per path, and the watchers told of each write. */
class MemoryTrackFiles implements TrackFiles {
  readonly values = new Map<string, number>();
  readonly inits: string[] = [];
  private readonly watchers = new Set<{ path: string; changed: (v: number) => void }>();

  read(path: string): number {
    return this.values.get(path) ?? 0;
  }

  watch(path: string, changed: (value: number) => void): () => void {
    const w = { path, changed };
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  initialise(path: string, value: number, overwrite: boolean, reload: boolean): TrackFileInit {
    const exists = this.values.has(path);
    const r: TrackFileInit = exists && (!overwrite || reload) ? 'kept' : 'written';
    if (r === 'written') this.values.set(path, value);
    this.inits.push(`${path} ${value} ${r}`);
    return r;
  }

  write(path: string, value: number): void {
    this.values.set(path, value);
    for (const w of this.watchers) if (w.path === path) w.changed(value);
  }

  get watching(): string[] {
    return [...this.watchers].map((w) => w.path).sort();
  }
}

const CONF = `
track_file maint {
    file /run/maint
    weight 0
    init_file
}
track_file load {
    file /run/load
    init_file 5 overwrite
}
virtual_server 10.0.0.100 80 {
    delay_loop 6
    lb_algo wrr
    lb_kind NAT
    protocol TCP
    real_server 10.0.0.1 80 {
        weight 10
        FILE_CHECK {
            track_file maint
        }
    }
    real_server 10.0.0.2 80 {
        weight 10
        FILE_CHECK {
            track_file load
        }
        FILE_CHECK {
            track_file load
            weight 2 reverse
        }
    }
}
`;

test('FILE_CHECK: init_file, then each value written changes the weight or takes the real server out and back', async () => {
  const files = new MemoryTrackFiles();
  const h = harness(CONF, files);
  assert.equal((await h.reloader.load('lenient')).ok, true);
  assert.deepEqual(files.inits, ['/run/maint 0 written', '/run/load 5 written']);
  // load 5: +5 (weight 1) and -10 (weight 2 reverse) on 10. (IPVS lists the newest first.)
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w5', '10.0.0.1:80 w10']);
  assert.deepEqual(files.watching, ['/run/load', '/run/load', '/run/maint']);

  files.write('/run/load', 2);
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w8', '10.0.0.1:80 w10']);
  // A weight below zero is programmed as 0: the real server stays, taking no new connections.
  files.write('/run/load', 20);
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w0', '10.0.0.1:80 w10']);
  files.write('/run/load', -1);
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w11', '10.0.0.1:80 w10']);

  // weight 0: any non-zero value is a fault; 0 brings it back.
  files.write('/run/maint', 1);
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w11']);
  files.write('/run/maint', 7);
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w11']);
  files.write('/run/maint', 0);
  assert.deepEqual(h.dests(), ['10.0.0.1:80 w10', '10.0.0.2:80 w11']);
  // Each FILE_CHECK on the file applies its share in turn (update_track_file_status); a change
  // within the negative range programs no new weight and is not logged.
  assert.deepEqual(h.logs.filter((l) => !l.includes('healthchecker')), [
    '0 Gained quorum 1+0=1 <= 15 for VS [10.0.0.100]:tcp:80',
    '0 Changing weight from 5 to 2 for active service [10.0.0.2]:tcp:80 of VS [10.0.0.100]:tcp:80',
    '0 Changing weight from 2 to 8 for active service [10.0.0.2]:tcp:80 of VS [10.0.0.100]:tcp:80',
    '0 Changing weight from 8 to 26 for active service [10.0.0.2]:tcp:80 of VS [10.0.0.100]:tcp:80',
    '0 Changing weight from 26 to 0 for active service [10.0.0.2]:tcp:80 of VS [10.0.0.100]:tcp:80',
    '0 Changing weight from 0 to 11 for active service [10.0.0.2]:tcp:80 of VS [10.0.0.100]:tcp:80',
    '0 Removing service [10.0.0.1]:tcp:80 from VS [10.0.0.100]:tcp:80',
    '0 Adding service [10.0.0.1]:tcp:80 to VS [10.0.0.100]:tcp:80',
  ]);
});

test('FILE_CHECK: a reload keeps the files (no overwrite) and follows the values they hold then', async () => {
  const files = new MemoryTrackFiles();
  const h = harness(CONF, files);
  await h.reloader.load('lenient');
  files.write('/run/maint', 3);
  files.write('/run/load', 1);
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w9']);
  // Written without a notification: the reload reads the files again.
  files.values.set('/run/maint', 0);
  assert.equal((await h.reloader.load('strict')).ok, true);
  assert.deepEqual(files.inits.slice(2), ['/run/maint 0 kept', '/run/load 5 kept']);
  assert.deepEqual(h.dests(), ['10.0.0.1:80 w10', '10.0.0.2:80 w9']);
  // The new checkers are the ones followed now.
  assert.deepEqual(files.watching, ['/run/load', '/run/load', '/run/maint']);
  files.write('/run/load', 0);
  assert.deepEqual(h.dests(), ['10.0.0.1:80 w10', '10.0.0.2:80 w10']);
});

test('FILE_CHECK without a track-file port is left out, with a log line', async () => {
  const h = harness(CONF);
  await h.reloader.load('lenient');
  assert.deepEqual(h.dests(), ['10.0.0.2:80 w10', '10.0.0.1:80 w10']);
  assert.equal(h.logs.filter((l) => l.includes('track files are not followed')).length, 3);
});
