/**
 * Request bodies of the proxy benchmarks. The usual one is a one-line chat (the proxy's fixed cost
 * per call); `agentChat()` is what an agent harness really sends after some turns: a system prompt,
 * tool definitions and tens of turns of tool calls and their output, about `kilobytes` long, so the
 * costs that grow with the request (its parse, a rewrite) show.
 */
export const CHAT = { model: 'sim/direct', messages: [{ role: 'user', content: 'Say hello.' }] };

export function agentChat(kilobytes = 100): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [{ role: 'system', content: 'You are a coding agent working in a repository. Use the tools. '.repeat(60) }];
  const tools = Array.from({ length: 12 }, (_, i) => ({
    type: 'function',
    function: { name: `tool_${i}`, description: `Runs step ${i} of the job. `.repeat(10), parameters: { type: 'object', properties: { command: { type: 'string' }, timeout: { type: 'number' } }, required: ['command'] } },
  }));
  for (let turn = 0; JSON.stringify(messages).length < kilobytes * 1024; turn++) {
    messages.push({ role: 'user', content: `Run the tests and fix what fails in src/module_${turn}.ts.` });
    messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${turn}`, type: 'function', function: { name: 'tool_0', arguments: JSON.stringify({ command: `npm test -- --grep "case ${turn}"` }) } }] });
    messages.push({ role: 'tool', tool_call_id: `call_${turn}`, content: `PASS test/case_${turn}.test.ts\n  ✓ handles input ${turn} (3 ms)\n`.repeat(25) });
  }
  return { model: 'sim/direct', messages, tools };
}
