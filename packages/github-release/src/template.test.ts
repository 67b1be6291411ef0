import { describe, expect, it } from 'vitest';
import { renderTemplate } from './template.ts';

describe('notes templates', () => {
  it('insert values and keep or drop sections by truthiness', () => {
    const view = { chart: 'web-app', signed: true, unsigned: false, empty: '' };
    expect(renderTemplate('{{chart}}{{#signed}} signed{{/signed}}{{^signed}} unsigned{{/signed}}{{#empty}}!{{/empty}}{{^empty}}.{{/empty}}', view)).toBe(
      'web-app signed.',
    );
  });

  it('remove lines that hold only a section tag', () => {
    const template = 'a\n{{#x}}\nshown\n{{/x}}\n{{#y}}\nhidden\n{{/y}}\nb\n';
    expect(renderTemplate(template, { x: true, y: false })).toBe('a\nshown\nb\n');
  });

  it('nest sections', () => {
    expect(renderTemplate('{{#a}}A{{#b}}B{{/b}}{{^b}}-{{/b}}{{/a}}', { a: true, b: false })).toBe('A-');
    expect(renderTemplate('{{#a}}A{{#b}}B{{/b}}{{/a}}', { a: false, b: true })).toBe('');
  });

  it('do not interpret template syntax inside inserted values', () => {
    expect(renderTemplate('{{x}}', { x: '{{y}}' })).toBe('{{y}}');
  });

  it('name an unknown value, and say what is available', () => {
    expect(() => renderTemplate('{{chart}} {{chrat}}', { chart: 'x' }, 'notes.md')).toThrow(
      expect.objectContaining({
        code: 'NOTES_TEMPLATE_INVALID',
        file: 'notes.md',
        message: expect.stringContaining("'chrat'"),
        hint: expect.stringContaining('chart'),
      }),
    );
  });

  it('refuse unbalanced sections', () => {
    expect(() => renderTemplate('{{#a}}x', { a: true })).toThrow(/never closed/);
    expect(() => renderTemplate('{{#a}}x{{/b}}', { a: true, b: true })).toThrow(/closes \{\{#a\}\}/);
    expect(() => renderTemplate('x{{/a}}', { a: true })).toThrow(/no open section/);
  });
});
