--- The conversation as the Neovim user meets it: each question through `vim.ui.select`
--- (choices, with the default first and marked) or `vim.ui.input` (free text, the
--- default pre-filled), each answer sent as a `terraconverse/*` request, the reply
--- recorded in the transcript, and the written files saved when it completes.
local protocol = require('terraconverse.protocol')
local transcript = require('terraconverse.transcript')

local M = {}

--- What the plugin knows about the conversation it drives.
M.state = {
  conversation = nil,
  request = nil,
  root = nil,
  question = nil,
  warnings = {},
  --- File names the conversation's edits touched (for autowrite).
  files = {},
  complete = false,
  --- The last error the server answered with (shown to the user; kept for tests).
  last_error = nil,
  --- Requests on their way; notifications meanwhile repeat what the reply will say.
  in_flight = 0,
}

local config
local client

function M.reset()
  M.state = { warnings = {}, files = {}, complete = false, in_flight = 0 }
end

local function notify(msg, level)
  vim.notify('TerraConverse: ' .. msg, level or vim.log.levels.INFO)
end

local function needs_confirmation(warnings)
  for _, w in ipairs(warnings or {}) do
    if w.needsConfirmation then
      return true
    end
  end
  return false
end

local function nonempty(s)
  return s ~= nil and s ~= vim.NIL and s ~= ''
end

--- The entries offered for a question: its choices (the default first, marked), then
--- the actions. Each entry has a `label` and one of `answer` (AnswerParams fields) or
--- `op` ('back', 'input', 'cancel', 'pause'). Pure, so tested directly.
function M.items(question, warnings)
  local items = {}
  if needs_confirmation(warnings) then
    table.insert(items, { label = 'Choose something safer', answer = { action = protocol.actions.decline } })
    table.insert(items, { label = 'Keep it anyway', answer = { action = protocol.actions.confirm } })
  else
    local default = nonempty(question.default) and question.default or nil
    local choices = question.choices ~= vim.NIL and question.choices or {}
    if default and vim.tbl_contains(choices, default) then
      table.insert(items, { label = default .. ' (default)', answer = { action = protocol.actions.default } })
    end
    for _, choice in ipairs(choices) do
      if choice ~= default then
        table.insert(items, { label = choice, answer = { text = choice } })
      end
    end
    if default and not vim.tbl_contains(choices, default) then
      table.insert(items, { label = 'Accept default: ' .. default, answer = { action = protocol.actions.default } })
    end
    table.insert(items, { label = 'Type another answer...', op = 'input' })
    table.insert(items, { label = 'Skip', answer = { action = protocol.actions.skip } })
  end
  table.insert(items, { label = 'Back', op = 'back' })
  table.insert(items, { label = 'Accept all remaining defaults', answer = { action = protocol.actions.accept_all_defaults } })
  table.insert(items, { label = 'Pause (resume with :TerraConverse)', op = 'pause' })
  table.insert(items, { label = 'Cancel the conversation', op = 'cancel' })
  return items
end

--- "[2/5] Which instance class?" for prompts and the transcript.
function M.title(question)
  local p = question.progress
  if p and p ~= vim.NIL and p.total and p.total > 0 then
    return string.format('[%d/%d] %s', p.current, p.total, question.text)
  end
  return question.text
end

local function record_question(q)
  transcript.append('? ' .. M.title(q))
  local details = {}
  if nonempty(q.default) then
    table.insert(details, 'default: ' .. q.default)
  end
  if nonempty(q.why) then
    table.insert(details, q.why)
  end
  if #details > 0 then
    transcript.append('  ' .. table.concat(details, ' - '))
  end
  if nonempty(q.costNote) then
    transcript.append('  cost: ' .. q.costNote)
  end
end

local send

local function on_turn(err, turn)
  M.state.in_flight = math.max(0, M.state.in_flight - 1)
  if err then
    local message = err.message or vim.inspect(err)
    M.state.last_error = message
    transcript.append('x ' .. message)
    notify(message, vim.log.levels.ERROR)
    if M.state.question then
      vim.schedule(M.prompt)
    end
    return
  end
  M.state.conversation = turn.conversation
  for _, m in ipairs(turn.messages or {}) do
    transcript.append('  ' .. m)
  end
  if nonempty(turn.rejection) then
    transcript.append('x ' .. turn.rejection)
    notify(turn.rejection, vim.log.levels.WARN)
  end
  for _, w in ipairs(turn.warnings or {}) do
    transcript.append(string.format('! %s: %s', w.rule, w.message))
  end
  local edit = turn.edit
  if edit and edit ~= vim.NIL then
    for _, uri in ipairs(edit.files or {}) do
      M.state.files[vim.uri_to_fname(uri)] = true
    end
    if nonempty(edit.failure) then
      transcript.append('x could not write the files: ' .. edit.failure)
      notify('could not write the files: ' .. edit.failure, vim.log.levels.ERROR)
    end
  end
  M.state.warnings = turn.warnings or {}
  if turn.cancelled then
    M.state.question = nil
    M.state.conversation = nil
    transcript.append('= cancelled; text already written stays')
    return
  end
  if turn.complete then
    M.state.question = nil
    M.finish()
    return
  end
  local q = turn.question
  if q == nil or q == vim.NIL then
    M.state.question = nil
    return
  end
  local conflicts = turn.conflicts ~= vim.NIL and turn.conflicts or {}
  if #conflicts > 0 then
    vim.schedule(function()
      M.resolve_conflict(conflicts[1])
    end)
    return
  end
  local same = M.state.question and M.state.question.id == q.id
  M.state.question = q
  if not (same and nonempty(turn.rejection)) then
    record_question(q)
  end
  vim.schedule(M.prompt)
end

--- Sends a conversation request whose reply is a TurnResult.
send = function(method, params)
  if not client then
    notify('no conversation is running', vim.log.levels.WARN)
    return
  end
  M.state.in_flight = M.state.in_flight + 1
  require('terraconverse.client').request(client, method, params, on_turn)
end

--- Asks the current question again (also used to resume after a pause).
function M.prompt()
  local q = M.state.question
  if not q or M.state.in_flight > 0 then
    return
  end
  local conversation = M.state.conversation
  local items = M.items(q, M.state.warnings)
  local choices = q.choices ~= vim.NIL and q.choices or {}
  if #choices == 0 and not needs_confirmation(M.state.warnings) then
    return M.ask_text(q)
  end
  vim.ui.select(items, {
    prompt = M.title(q),
    format_item = function(item)
      return item.label
    end,
    kind = 'terraconverse',
  }, function(item)
    if conversation ~= M.state.conversation then
      return
    end
    if not item then
      transcript.append('  (paused: :TerraConverse resumes)')
      return
    end
    M.choose(item)
  end)
end

--- Asks a free-text question; an empty answer takes the default.
function M.ask_text(q)
  local conversation = M.state.conversation
  local prompt = M.title(q)
  if nonempty(q.default) then
    prompt = prompt .. ' [' .. q.default .. ']'
  elseif nonempty(q.example) then
    prompt = prompt .. ' (e.g. ' .. q.example .. ')'
  end
  vim.ui.input({ prompt = prompt .. ': ', default = nonempty(q.default) and q.default or nil }, function(text)
    if conversation ~= M.state.conversation then
      return
    end
    if text == nil then
      transcript.append('  (paused: :TerraConverse resumes)')
      return
    end
    text = vim.trim(text)
    if text == '' then
      M.choose({ label = 'default', answer = { action = protocol.actions.default } })
    else
      M.choose({ label = text, answer = { text = text } })
    end
  end)
end

--- Carries out one entry of `M.items`.
function M.choose(item)
  if item.op == 'input' then
    local q = M.state.question
    return vim.ui.input({ prompt = M.title(q) .. ': ' }, function(text)
      if text == nil or vim.trim(text) == '' then
        return M.prompt()
      end
      M.choose({ label = vim.trim(text), answer = { text = vim.trim(text) } })
    end)
  elseif item.op == 'pause' then
    transcript.append('  (paused: :TerraConverse resumes)')
    return
  elseif item.op == 'cancel' then
    return M.cancel()
  elseif item.op == 'back' then
    transcript.append('> back')
    return send(protocol.requests.back, { conversation = M.state.conversation })
  end
  transcript.append('> ' .. item.label)
  local params = vim.tbl_extend('force', { conversation = M.state.conversation }, item.answer)
  send(protocol.requests.answer, params)
end

--- Asks how to settle a block the user changed after the conversation wrote it.
function M.resolve_conflict(conflict)
  transcript.append('! ' .. conflict.message)
  local conversation = M.state.conversation
  vim.ui.select({
    { label = 'Keep mine', resolution = 'keepMine' },
    { label = 'Write it again', resolution = 'regenerate' },
  }, {
    prompt = conflict.message,
    format_item = function(item)
      return item.label
    end,
  }, function(item)
    if not item or conversation ~= M.state.conversation then
      return
    end
    transcript.append('> ' .. item.label)
    send(protocol.requests.resolve, { conversation = conversation, address = conflict.address, resolution = item.resolution })
  end)
end

--- Writes the buffers the conversation changed, when `autowrite` is on.
function M.finish()
  M.state.complete = true
  local names = vim.tbl_keys(M.state.files)
  table.sort(names)
  local written = {}
  if config.autowrite then
    for _, name in ipairs(names) do
      local bufnr = vim.fn.bufnr(name)
      if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].modified then
        vim.api.nvim_buf_call(bufnr, function()
          vim.cmd('silent write')
        end)
      end
      table.insert(written, vim.fn.fnamemodify(name, ':~:.'))
    end
  end
  local summary = #names == 0 and 'nothing to write'
    or ((config.autowrite and 'wrote ' or 'changed (not saved) ') .. table.concat(#written > 0 and written or names, ', '))
  transcript.append('= done: ' .. summary)
  notify('done: ' .. summary)
end

--- Starts a conversation about `request` in `root` (args: target URI, scope).
function M.start(cfg, c, root, request, args)
  config = cfg
  client = c
  M.reset()
  M.state.request = request
  M.state.root = root
  transcript.show(cfg.transcript)
  transcript.append('', '# ' .. request, '> ' .. request)
  local params = { request = request, target = (args and args.target) or vim.uri_from_fname(root) }
  if args and args.scope then
    params.scope = args.scope
  end
  send(protocol.requests.start, params)
end

--- Lists the workspace's unfinished conversations and offers to resume one; `otherwise()`
--- runs when there is none or the user picks a new one.
function M.offer_resume(cfg, c, otherwise)
  require('terraconverse.client').request(c, protocol.requests.list, nil, function(err, result)
    local open = {}
    for _, s in ipairs((not err and result and result.conversations) or {}) do
      if not s.complete then
        table.insert(open, s)
      end
    end
    if #open == 0 then
      return otherwise()
    end
    local items = vim.tbl_map(function(s)
      return { label = 'Resume: ' .. s.request, summary = s }
    end, open)
    table.insert(items, { label = 'Start a new conversation' })
    vim.ui.select(items, {
      prompt = 'Unfinished conversations in this workspace',
      format_item = function(item)
        return item.label
      end,
    }, function(item)
      if not item then
        return
      end
      if not item.summary then
        return otherwise()
      end
      M.resume(cfg, c, item.summary)
    end)
  end)
end

--- Takes up a saved conversation where it stopped: its status carries the question.
function M.resume(cfg, c, summary)
  config = cfg
  client = c
  M.reset()
  M.state.conversation = summary.conversation
  M.state.request = summary.request
  transcript.show(cfg.transcript)
  transcript.append('', '# ' .. summary.request .. ' (resumed)')
  M.state.in_flight = M.state.in_flight + 1
  require('terraconverse.client').request(c, protocol.requests.status, { conversation = summary.conversation }, on_turn)
end

function M.accept_all_defaults()
  if not M.state.conversation then
    return notify('no conversation is running; start one with :TerraConverse <request>', vim.log.levels.WARN)
  end
  M.choose({ label = 'accept all defaults', answer = { action = protocol.actions.accept_all_defaults } })
end

function M.back()
  if not M.state.conversation then
    return notify('no conversation is running; start one with :TerraConverse <request>', vim.log.levels.WARN)
  end
  M.choose({ label = 'back', op = 'back' })
end

--- Cancels the conversation; `done()` runs after the server answered.
function M.cancel(done)
  local conversation = M.state.conversation
  if not conversation or not client then
    notify('no conversation to cancel', vim.log.levels.WARN)
    return
  end
  require('terraconverse.client').request(client, protocol.requests.cancel, { conversation = conversation }, function(err)
    if err then
      notify('cancel failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      transcript.append('= cancelled; text already written stays')
      notify('conversation cancelled')
      M.state.conversation = nil
      M.state.question = nil
    end
    if done then
      done(err)
    end
  end)
end

--- Shows the conversation's status; `done(status)` receives the StatusResult.
function M.status(done)
  local conversation = M.state.conversation
  if not conversation or not client then
    notify('no conversation is running; start one with :TerraConverse <request>')
    if done then
      done(nil)
    end
    return
  end
  require('terraconverse.client').request(client, protocol.requests.status, { conversation = conversation }, function(err, status)
    if err then
      notify('status failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      if done then
        done(nil)
      end
      return
    end
    local q = status.question
    local where = status.complete and 'complete'
      or (q and q ~= vim.NIL and string.format('question %d of about %d', q.progress.current, q.progress.total))
      or 'in progress'
    local lines = { string.format('%s -> %s: %s, %d parameters', status.request, vim.uri_to_fname(status.target), where, #status.parameters) }
    for _, p in ipairs(status.parameters) do
      table.insert(lines, '    ' .. p)
    end
    transcript.append(unpack(vim.tbl_map(function(l)
      return '= ' .. l
    end, lines)))
    vim.api.nvim_echo({ { table.concat(lines, '\n') } }, true, {})
    if done then
      done(status)
    end
  end)
end

--- Server notifications. Those repeating the reply to our own request are dropped.
function M.on_notification(name, params)
  local covered = M.state.in_flight > 0 and (M.state.conversation == nil or M.state.conversation == params.conversation)
  if name == 'complete' then
    for _, uri in ipairs(params.files or {}) do
      M.state.files[vim.uri_to_fname(uri)] = true
    end
    if not covered and params.conversation == M.state.conversation and not M.state.complete then
      M.finish()
    end
  elseif name == 'question' and not covered then
    if M.state.conversation ~= nil and M.state.conversation ~= params.conversation then
      return
    end
    -- The server sends the notification before its answer, but the two may arrive in
    -- either order: a question already asked must not be asked (and answered) twice.
    local shown = M.state.question
    if shown and shown.id == params.question.id and shown.progress.current == params.question.progress.current then
      return
    end
    M.state.conversation = params.conversation
    for _, m in ipairs(params.messages or {}) do
      transcript.append('  ' .. m)
    end
    M.state.question = params.question
    record_question(params.question)
    vim.schedule(M.prompt)
  elseif name == 'warnings' and not covered and params.conversation == M.state.conversation
    and not vim.deep_equal(params.warnings, M.state.warnings) then
    M.state.warnings = params.warnings
    for _, w in ipairs(params.warnings) do
      transcript.append(string.format('! %s: %s', w.rule, w.message))
    end
  elseif name == 'conflict' and not covered and params.conversation == M.state.conversation then
    vim.schedule(function()
      M.resolve_conflict(params)
    end)
  end
end

--- Records the files a workspace edit touched (for autowrite at the end).
function M.note_edit(edit)
  for _, change in ipairs(edit.documentChanges or {}) do
    local uri = change.uri or (change.textDocument and change.textDocument.uri)
    if uri then
      M.state.files[vim.uri_to_fname(uri)] = true
    end
  end
  for uri in pairs(edit.changes or {}) do
    M.state.files[vim.uri_to_fname(uri)] = true
  end
end

return M
