/**
 * Runs before every test file (jest `setupFilesAfterEnv`).
 */
import * as v8 from 'v8';
import { removeTestOutdir } from './fixtures/temp';

// Node 24's Maglev compiler takes gigabytes compiling the large functions of
// the test harness (one fuzz suite peaked at 5.8 GB resident, 0.5 GB without
// Maglev; a CI worker was killed for memory at 17 GB). The library itself
// does not trigger it (a 2,000-model fleet stays at 0.34 GB on Node 24).
// Test processes turn Maglev off; Node 20 and 22 do not use it by default.
v8.setFlagsFromString('--no-maglev');

// A test that asserts nothing cannot fail: every test must reach `expect`.
// (The conformance harness throws instead of asserting, so a test that only
// synthesizes still needs an assertion on what it synthesized.)
beforeEach(() => {
  expect.hasAssertions();
});

// cdk8s outdirs of this test file's apps (one per worker, see fixtures/temp.ts).
afterAll(() => {
  removeTestOutdir();
});
