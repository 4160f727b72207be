-- End to end through the plugin's commands: a language server (the real
-- `terraconverse lsp`, or the protocol test double with TC_SERVER=fake) is started by
-- the plugin, `:TerraConverse` runs a conversation whose answers are scripted by
-- stubbing vim.ui, and the files on disk are checked afterwards.
--
-- Environment: TC_SERVER_CMD (JSON list, the server command), TC_WORKSPACE (an empty
-- folder), TC_EXPECT ('fake' or 'real': which checks apply), FAKE_LOG (fake only).
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/harness.lua')
local tc = require('terraconverse')
local conversation = require('terraconverse.conversation')
local transcript = require('terraconverse.transcript')

local cmd = vim.fn.json_decode((assert(vim.env.TC_SERVER_CMD, 'set TC_SERVER_CMD')))
local ws = assert(vim.env.TC_WORKSPACE, 'set TC_WORKSPACE')
local expect = vim.env.TC_EXPECT or 'fake'

local MAIN_TF = [[
# Network for the shop. Keep this comment: the plugin must not touch it.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16" # the whole range
}
]]

h.write(ws .. '/main.tf', MAIN_TF)
vim.fn.mkdir(ws .. '/.git', 'p')
vim.cmd('cd ' .. vim.fn.fnameescape(ws))
vim.cmd('edit main.tf')

h.truthy(tc.setup({ cmd = cmd, transcript = 'split', init_options = { logLevel = 'warn' } }), 'setup failed')

local function requests(method)
  local out = {}
  for line in io.lines(vim.env.FAKE_LOG) do
    local entry = vim.fn.json_decode(line)
    if entry.method == method then
      table.insert(out, entry.params)
    end
  end
  return out
end

if expect == 'fake' then
  h.test('a conversation: choice, typed answer with default shown, warning declined, files written', function()
    local asked = h.script_ui({
      { prompt = '^%[1/3%] Which AWS region%?', pick = 'eu-central-1 (default)' },
      { prompt = '^%[2/3%] Which instance class should the database use%? %[db%.t3%.micro%]', input = 'db.t3.small' },
      { prompt = '^%[3/3%] Should the database be reachable', pick = 'yes' },
      { prompt = '^%[3/3%] Should the database be reachable', pick = 'Choose something safer' },
    })
    vim.cmd('TerraConverse add a postgres database')
    h.wait_for(function()
      return conversation.state.complete
    end, 15000, 'the conversation to complete')
    h.eq('db.t3.micro', asked[2].default, 'the input is pre-filled with the default')
    h.eq('Choose something safer', asked[4].labels[1], 'the warning asks for confirmation')

    h.eq(table.concat({
      '# Written by TerraConverse.',
      'resource "aws_db_instance" "main" {',
      '  instance_class      = "db.t3.small"',
      '  publicly_accessible = false',
      '  # region eu-central-1',
      '}',
      '',
    }, '\n'), h.read(ws .. '/database.tf'), 'database.tf on disk')
    h.eq(MAIN_TF, h.read(ws .. '/main.tf'), 'main.tf is untouched')

    local answers = requests('terraconverse/answer')
    h.eq({
      { conversation = 'c1', action = 'default' },
      { conversation = 'c1', text = 'db.t3.small' },
      { conversation = 'c1', text = 'yes' },
      { conversation = 'c1', action = 'decline' },
    }, answers)
    local start = requests('terraconverse/start')[1]
    h.eq({ request = 'add a postgres database', target = vim.uri_from_fname(ws) }, start)
    local init = requests('initialize')[1]
    h.eq(true, init.documentChanges, 'the client says it applies documentChanges')
    h.eq({ logLevel = 'warn' }, init.initializationOptions)

    local text = table.concat(transcript.lines(), '\n')
    for _, want in ipairs({ '> add a postgres database', '? [1/3] Which AWS region?', '  default: eu-central-1 - Frankfurt keeps the data in the EU.', '! TC-RDS-002: A publicly accessible database', '> Choose something safer', '= done: wrote database.tf' }) do
      h.truthy(text:find(want, 1, true), 'transcript lacks ' .. want .. '\n' .. text)
    end
  end)

  h.test(':TerraConverseStatus shows the parameters; :TerraConverseCancel cancels', function()
    h.script_ui({
      { prompt = '^%[1/3%]', pick = 'us-east-1' },
      { prompt = '^%[2/3%]', input = nil },
    })
    vim.cmd('TerraConverse an s3 bucket')
    h.wait_for(function()
      return conversation.state.question and conversation.state.question.id == 'db.instance_class'
    end, 10000, 'the second question')
    local status
    tc.status(function(s)
      status = s
    end)
    h.wait_for(function()
      return status ~= nil
    end, 5000, 'the status reply')
    h.eq({ 'region = us-east-1' }, status.parameters)
    local n = #requests('terraconverse/cancel')
    vim.cmd('TerraConverseCancel')
    h.wait_for(function()
      return conversation.state.conversation == nil
    end, 5000, 'the cancel reply')
    h.eq({ { conversation = 'c2' } }, vim.list_slice(requests('terraconverse/cancel'), n + 1))
    h.truthy(table.concat(transcript.lines(), '\n'):find('= cancelled', 1, true))
  end)

  h.test(':TerraConverse without a request offers to resume an unfinished conversation', function()
    h.script_ui({
      { prompt = '^%[1/3%]', pick = 'Pause (resume with :TerraConverse)' },
    })
    vim.cmd('TerraConverse a queue to resume later')
    h.wait_for(function()
      return conversation.state.question ~= nil and conversation.state.in_flight == 0
    end, 10000, 'the first question')
    local id = conversation.state.conversation
    conversation.reset() -- as after restarting Neovim
    local asked = h.script_ui({
      { prompt = '^Unfinished conversations in this workspace$', pick = 'Resume: a queue to resume later' },
      { prompt = '^%[1/3%] Which AWS region%?', pick = 'eu-west-1' },
      { prompt = '^%[2/3%]', input = nil },
    })
    vim.cmd('TerraConverse')
    h.wait_for(function()
      return #asked >= 3
    end, 10000, 'the resumed conversation to ask on')
    h.eq(id, conversation.state.conversation)
    h.truthy(vim.tbl_contains(asked[1].labels, 'Start a new conversation'))
    local answers = requests('terraconverse/answer')
    h.eq({ conversation = id, text = 'eu-west-1' }, answers[#answers])
  end)

  h.test('accept all defaults from a choice list finishes the conversation', function()
    h.script_ui({ { prompt = '^%[1/3%]', pick = 'Accept all remaining defaults' } })
    os.remove(ws .. '/database.tf')
    vim.cmd('silent! bwipeout! database.tf')
    vim.cmd('TerraConverse a database with defaults')
    h.wait_for(function()
      return conversation.state.complete
    end, 10000, 'completion')
    h.eq(table.concat({
      '# Written by TerraConverse.',
      'resource "aws_db_instance" "main" {',
      '  instance_class      = "db.t3.micro"',
      '  publicly_accessible = false',
      '  # region eu-central-1',
      '}',
      '',
    }, '\n'), h.read(ws .. '/database.tf'), 'three edits in one turn, each on top of the last')
  end)
end

if expect == 'real' then
  local shared = vim.env.TC_SHARED or (vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h:h:h') .. '/shared')
  local TYPED = '# typed while the conversation ran: keep me ✓'

  h.test('real server: every question answered with its default, the user typing in between; valid Terraform on disk', function()
    local main_buf = vim.fn.bufnr(ws .. '/main.tf')
    local typed = false
    local prompts = h.auto_ui(function(kind, prompt, arg)
      if not typed then
        -- The user edits main.tf while the first question waits: nothing of theirs may be lost.
        vim.api.nvim_buf_set_lines(main_buf, 0, 0, false, { TYPED })
        typed = true
      end
      if kind == 'input' then
        return ''
      end
      for _, label in ipairs(arg) do
        if label:match(' %(default%)$') or label:match('^Accept default: ') or label == 'Choose something safer' then
          return label
        end
      end
      return arg[1]
    end)
    vim.cmd('TerraConverse add a postgres database')
    h.wait_for(function()
      return conversation.state.complete or conversation.state.last_error
    end, 120000, 'the conversation to complete')
    h.eq(nil, conversation.state.last_error, 'the server answered with an error')
    h.truthy(prompts() >= 2, 'the server asked at least two questions, asked ' .. prompts())
    vim.cmd('silent wall')

    local main = h.read(ws .. '/main.tf')
    h.eq(TYPED .. '\n' .. MAIN_TF, main:sub(1, #TYPED + 1 + #MAIN_TF), "the user's line, comments and VPC are intact")
    local all = {}
    for _, f in ipairs(vim.fn.glob(ws .. '/*.tf', false, true)) do
      table.insert(all, h.read(f))
    end
    all = table.concat(all, '\n')
    h.truthy(all:find('resource "aws_db_instance"', 1, true), 'a database was written:\n' .. all)
    h.truthy(all:find('aws_vpc.main.', 1, true), 'the existing VPC is reused:\n' .. all)
    local _, vpcs = all:gsub('resource "aws_vpc"', '')
    h.eq(1, vpcs, 'no second VPC')
    local text = table.concat(transcript.lines(), '\n')
    h.truthy(text:find('= done: wrote', 1, true), text)
    -- Every edit was taken on the first try and no block of its own came back as a conflict.
    for _, line in ipairs(transcript.lines()) do
      h.truthy(not line:match('^x '), 'the transcript reports a failure: ' .. line)
      h.truthy(not line:find('was not written by this conversation', 1, true), 'a conflict with its own block: ' .. line)
    end
    for _, f in ipairs(vim.fn.glob(ws .. '/*.tf', false, true)) do
      local body = h.read(f)
      h.truthy(body:sub(-1) == '\n' and body:sub(-2) ~= '\n\n', vim.fn.fnamemodify(f, ':t') .. ' does not end with exactly one newline')
    end

    local tools = shared .. '/tools/tf-validate/'
    if vim.fn.executable(tools .. 'tf-validate') == 1 then
      for _, tool in ipairs({ 'tf-validate', 'tf-fmt-check' }) do
        local out = vim.fn.system({ tools .. tool, ws })
        h.eq(0, vim.v.shell_error, tool .. ' failed:\n' .. out)
      end
    end
  end)

  h.test('real server: :TerraConverseStatus lists parameters, :TerraConverseCancel forgets the conversation', function()
    -- Two answers (the region, then the database's safe defaults), then a pause.
    local asked = 0
    h.auto_ui(function(kind, _, arg)
      asked = asked + 1
      if asked <= 2 then
        if kind == 'input' then
          return ''
        end
        for _, label in ipairs(arg) do
          if label:match(' %(default%)$') or label:match('^Accept default: ') then
            return label
          end
        end
        return arg[1]
      end
      return kind == 'input' and nil or 'Pause (resume with :TerraConverse)'
    end)
    vim.cmd('TerraConverse a postgres database')
    h.wait_for(function()
      return asked >= 3 or conversation.state.complete or conversation.state.last_error
    end, 60000, 'the third question')
    h.eq(nil, conversation.state.last_error, 'the server answered with an error')
    local status
    tc.status(function(s)
      status = s or false
    end)
    h.wait_for(function()
      return status ~= nil
    end, 10000, 'the status reply')
    h.truthy(status, 'status failed')
    h.truthy(#status.parameters >= 1, 'status lists the answer given: ' .. vim.inspect(status.parameters))
    local id = conversation.state.conversation
    local done
    tc.cancel(function(err)
      done = err or true
    end)
    h.wait_for(function()
      return done ~= nil
    end, 10000, 'the cancel reply')
    h.eq(true, done)
    h.eq(nil, conversation.state.conversation)
    h.eq(nil, vim.loop.fs_stat(ws .. '/.terraconverse/conversations/' .. id .. '.json'), 'the saved state is gone')
  end)
end

if expect == 'real' then
  h.test('real server: the "Generate resource conversationally" code action starts a conversation scoped to the block', function()
    vim.cmd('edit ' .. vim.fn.fnameescape(ws .. '/main.tf'))
    local client = require('terraconverse.client').all()[ws]
    h.truthy(client, 'the plugin has a client for ' .. ws)
    local lnum = vim.fn.search('resource "aws_vpc" "main"', 'nw')
    h.truthy(lnum > 0, 'main.tf has the VPC block')
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(0) },
      range = { start = { line = lnum - 1, character = 2 }, ['end'] = { line = lnum - 1, character = 2 } },
      context = { diagnostics = {} },
    }
    local reply
    if vim.fn.has('nvim-0.11') == 1 then
      reply = client:request_sync('textDocument/codeAction', params, 10000, 0)
    else
      reply = client.request_sync('textDocument/codeAction', params, 10000, 0)
    end
    h.truthy(reply and reply.result, 'no code actions: ' .. vim.inspect(reply))
    local action
    for _, a in ipairs(reply.result) do
      local cmd = a.command
      if type(cmd) == 'table' and cmd.command == 'terraconverse.startConversation' then
        action = a
      end
    end
    h.truthy(action, 'no "Generate resource conversationally" action: ' .. vim.inspect(reply.result))
    h.eq('aws_vpc.main', action.command.arguments[1].scope)
    local asked_request
    local paused = false
    h.auto_ui(function(kind, prompt, arg)
      if not asked_request then
        asked_request = prompt
        return 'add a postgres database'
      end
      paused = true
      return kind == 'input' and nil or 'Pause (resume with :TerraConverse)'
    end)
    -- Run the command the way Neovim runs a code action's client-side command.
    vim.lsp.commands['terraconverse.startConversation'](action.command, { bufnr = 0, client_id = client.id })
    h.truthy(asked_request and asked_request:find('aws_vpc.main', 1, true), 'the request prompt names the block: ' .. tostring(asked_request))
    h.wait_for(function()
      return paused or conversation.state.last_error
    end, 60000, 'the first question of the scoped conversation')
    h.eq(nil, conversation.state.last_error, 'the server answered with an error')
    h.eq('add a postgres database', conversation.state.request)
    local done
    tc.cancel(function()
      done = true
    end)
    h.wait_for(function()
      return done
    end, 10000, 'the cancel reply')
  end)
end

tc.stop()
h.finish()
