import { Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { EventBus } from '../events';

/** The menu sends commands to the renderer, which owns every dialog. */
export function installAppMenu(events: EventBus, getWindow: () => BrowserWindow | undefined, options: { devTools: boolean }): void {
  const command = (name: 'about' | 'import') => () => {
    getWindow()?.focus();
    events.emit('app.menuCommand', { command: name });
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [{ label: 'Import…', accelerator: 'CmdOrCtrl+O', click: command('import') }, { type: 'separator' }, { role: 'quit' }],
    },
    {
      label: 'View',
      // Developer Tools only while developing (window-policy.ts says why).
      submenu: [
        { role: 'reload' },
        ...(options.devTools ? [{ role: 'toggleDevTools' as const }] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      // The viewer's own Help button lists its keys; nothing in the shell handled a menu entry for them.
      submenu: [{ label: 'About Radstation', click: command('about') }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
