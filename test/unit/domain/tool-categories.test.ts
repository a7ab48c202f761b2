import assert from 'node:assert/strict';
import { categoriseToolName, classifyShellCommand, toolCategory } from '../../../src/core/domain';

describe('tool categories', () => {
  it('maps the tool names of every harness to one set of categories', () => {
    const table: [string, string][] = [
      ['bash', 'exec'], ['read', 'read'], ['write', 'write'], ['edit', 'write'], ['glob', 'search'], ['grep', 'search'],
      ['task', 'plan'], ['todowrite', 'plan'], ['webfetch', 'network'],
      ['read_file', 'read'], ['write_file', 'write'], ['edit_file', 'write'], ['list_dir', 'read'],
      ['Read', 'read'], ['Write', 'write'], ['Edit', 'write'], ['Bash', 'exec'], ['Grep', 'search'], ['Glob', 'search'], ['TodoWrite', 'plan'],
      ['shell', 'exec'], ['apply_patch', 'write'], ['background_process', 'exec'], ['something_new', 'other'],
    ];
    for (const [name, category] of table) assert.equal(toolCategory(name), category, name);
  });

  it('the harnesses and the fingerprint put a tool in the same category (one table)', () => {
    // Listing a folder is a read, from a transcript and from the calls the proxy saw alike.
    for (const name of ['list', 'ls', 'list_dir', 'list_files', 'LS']) {
      assert.equal(toolCategory(name), 'read', name);
      assert.equal(categoriseToolName(name), 'read', name);
    }
    for (const name of ['bash', 'read', 'edit', 'grep', 'glob', 'task', 'todowrite', 'webfetch', 'read_file', 'apply_patch', 'view', 'str_replace']) {
      assert.equal(categoriseToolName(name), toolCategory(name), name);
    }
    // Names the table lacks: a guess from the name for model tool calls, `other` for a harness's own label.
    assert.equal(categoriseToolName('my_grep_tool'), 'search');
    assert.equal(toolCategory('my_grep_tool'), 'other');
  });

  it('classifies real shell commands as read, write, search or exec', () => {
    const table: [string, string][] = [
      ['cat /app/config.ini', 'read'],
      ['head -n 20 access.log | sort | uniq -c', 'read'],
      ['ls -la /app && pwd', 'read'],
      ['git log --oneline -5', 'read'],
      ['git status', 'read'],
      ['grep -rn "TODO" src/', 'search'],
      ['find / -name "*.py" 2>/dev/null', 'search'],
      ['echo hello > /app/out.txt', 'write'],
      ['cat >> notes.md <<EOF\nline\nEOF', 'write'],
      ["sed -i 's/a/b/' file.py", 'write'],
      ['mv old.txt new.txt', 'write'],
      ['git checkout -b fix && git commit -am wip', 'write'],
      ['python3 -m pytest -q', 'exec'],
      ['make -j2 2>&1 | tail -5', 'exec'],
      ['./build.sh > /dev/null 2>&1', 'exec'],
      ['tee /etc/app.conf < new.conf', 'write'],
      ['sqlite3 shop.db "select count(*) from orders"', 'exec'],
      ['cat README* 2>/dev/null | head -40; true', 'read'],
      ['git status --short 2>/dev/null | head -20; true', 'read'],
    ];
    for (const [command, effect] of table) assert.equal(classifyShellCommand(command), effect, command);
  });
});
