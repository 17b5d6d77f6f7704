import type { Page } from 'playwright';

interface AXNode {
  ignored?: boolean;
  role?: { value?: string };
  name?: { value?: string };
}

/** A node of Chromium's own accessibility tree, as a screen reader is given it. */
export interface AccessibleNode {
  role: string;
  name: string;
}

/** Every node of Chromium's own accessibility tree that is not ignored, in document order. */
export async function accessibleNodes(page: Page): Promise<AccessibleNode[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AXNode[] };
    return nodes.filter((node) => !node.ignored).map((node) => ({ role: node.role?.value ?? '', name: node.name?.value ?? '' }));
  } finally {
    await cdp.detach();
  }
}

/**
 * The links in Chromium's own accessibility tree whose name matches `name`: what a screen
 * reader's list of links (NVDA's elements list, VoiceOver's rotor) is built from.
 */
export async function linksInAccessibilityTree(page: Page, name: RegExp): Promise<number> {
  return (await accessibleNodes(page)).filter((node) => node.role === 'link' && name.test(node.name)).length;
}

/**
 * Keeps a headless page drawing a frame every 16 ms, as a visible tab draws one every vsync
 * while its page changes: Chromium brings the accessibility tree up to date as it draws, and
 * headless Chromium draws only when asked.
 */
export async function drawFramesAsAScreenWould(page: Page): Promise<void> {
  await page.evaluate(() => void setInterval(() => requestAnimationFrame(() => {}), 16));
}
