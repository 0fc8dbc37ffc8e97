import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { grantedPermissions, isAppUrl, mayNavigate, mayNavigateFrame, offersDevTools, permissionDecision, windowOpenDecision, windowWebPreferences } from '../../src-main/app/window-policy';
import { contentSecurityPolicy } from '../../src-main/host/file-routes';
import { repoRoot } from '../helpers/cli-process';

/**
 * The desktop window's rules, checked without Electron (no binary here). The Electron
 * E2E test checks the same rules from inside a running window where a binary exists.
 */
describe('desktop window policy', () => {
  it('runs the renderer isolated, sandboxed and without Node', () => {
    expect(windowWebPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInSubFrames: false, webviewTag: false });
  });

  it.each(['radstation://app/index.html', 'radstation://app/files/instances/1.2.3', 'radstation://app/?study=1'])('lets the app navigate within itself: %s', (url) => {
    expect(mayNavigate(url)).toBe(true);
    expect(isAppUrl(url)).toBe(true);
  });

  it.each([
    'https://example.com/',
    'http://127.0.0.1:8080/',
    'file:///etc/passwd',
    'radstation://application/index.html',
    'radstation://app.evil.example/index.html',
    'radstation://app@evil.example/',
    'radstation://app',
    'javascript:alert(1)',
    'about:blank',
  ])('refuses navigation to %s', (url) => {
    expect(mayNavigate(url)).toBe(false);
  });

  it('lets a subframe show only a blob the app itself made (an encapsulated PDF), never a blob of another origin', () => {
    expect(mayNavigateFrame('blob:radstation://app/6f0c2b7e-1d7a-4c1e-9a55-2f4a0c1b9e11')).toBe(true);
    expect(mayNavigateFrame('radstation://app/index.html')).toBe(true);
    expect(mayNavigateFrame('blob:radstation://app.evil.example/6f0c2b7e')).toBe(false);
    expect(mayNavigateFrame('blob:https://example.com/6f0c2b7e')).toBe(false);
    expect(mayNavigateFrame('https://example.com/')).toBe(false);
    // The window itself still never leaves the app, not even for one of its blobs.
    expect(mayNavigate('blob:radstation://app/6f0c2b7e')).toBe(false);
  });

  it('denies every new window, including links to the web', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });

  it('grants the app its clipboard write (the viewer\'s Copy), and only to its own pages', () => {
    expect(permissionDecision('clipboard-sanitized-write', 'radstation://app/index.html')).toBe(true);
    expect(permissionDecision('clipboard-sanitized-write', 'radstation://app')).toBe(true);
    expect(permissionDecision('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
    expect(permissionDecision('clipboard-sanitized-write', 'radstation://app.evil.example/')).toBe(false);
    expect(permissionDecision('clipboard-sanitized-write', '')).toBe(false);
  });

  // Electron's permission names (session.setPermissionRequestHandler's list).
  it.each([
    'media',
    'display-capture',
    'mediaKeySystem',
    'geolocation',
    'notifications',
    'midi',
    'midiSysex',
    'pointerLock',
    'fullscreen',
    'openExternal',
    'window-management',
    'unknown',
    'fileSystem',
    'clipboard-read',
    'hid',
    'serial',
    'usb',
    'idle-detection',
    'storage-access',
    'speaker-selection',
    'keyboardLock',
  ])('denies the permission %s, even to the app itself', (permission) => {
    expect(permissionDecision(permission, 'radstation://app/index.html')).toBe(false);
  });

  it('grants exactly one permission', () => {
    expect([...grantedPermissions]).toEqual(['clipboard-sanitized-write']);
  });

  it('offers Developer Tools while developing and not in a packaged build', () => {
    expect(offersDevTools(false)).toBe(true);
    expect(offersDevTools(true)).toBe(false);
  });
});

function directives(policy: string): Map<string, string> {
  return new Map(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name ?? '', values.join(' ')]),
  );
}

describe('Content-Security-Policy', () => {
  const header = directives(contentSecurityPolicy);

  it('loads nothing from elsewhere and allows no eval, plugins, framing or form posts', () => {
    expect(header.get('default-src')).toBe("'self'");
    expect(header.get('script-src')).toBe("'self' 'wasm-unsafe-eval'");
    expect(header.get('connect-src')).toBe("'self'");
    expect(header.get('object-src')).toBe("'none'");
    expect(header.get('base-uri')).toBe("'none'");
    expect(header.get('frame-ancestors')).toBe("'none'");
    expect(header.get('form-action')).toBe("'none'");
    // Frames show only blobs the page made itself (encapsulated PDFs).
    expect(header.get('frame-src')).toBe('blob:');
    for (const [name, value] of header) {
      expect(value, name).not.toMatch(/'unsafe-eval'|https?:|\*|'unsafe-hashes'/);
    }
  });

  it("matches the renderer's own meta policy, directive by directive", () => {
    const html = fs.readFileSync(path.join(repoRoot, 'src-renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const fromMeta = directives(meta ?? '');
    expect(fromMeta.size).toBeGreaterThan(0);
    for (const [name, value] of fromMeta) expect(header.get(name), name).toBe(value);
  });
});
