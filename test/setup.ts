/**
 * Runs before every test file (jest `setupFilesAfterEnv`).
 */
import { removeTestOutdir } from './fixtures/temp';

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
