import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expectRestricted } from './conformance/pod-security';
import { synthApp } from './util';

const examplesDir = path.join(__dirname, '..', 'examples');
const names = fs.readdirSync(examplesDir).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();

describe('examples', () => {
  test('there are examples', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  test.each(names)('%s synthesizes valid documents', (name) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildApp } = require(path.join(examplesDir, name));
    const docs = synthApp(buildApp(fs.mkdtempSync(path.join(os.tmpdir(), `ex-${name}-`))));
    expect(docs.length).toBeGreaterThan(0);
    expectRestricted(docs);
    expect(docs).toMatchSnapshot();
  });
});
