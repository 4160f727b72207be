--- TerraConverse for Neovim: `require('terraconverse').setup({...})` configures the
--- language client; `:TerraConverse <request>` talks a Terraform configuration into the
--- workspace one question at a time. Works on Neovim 0.7 and newer.
local config_mod = require('terraconverse.config')
local client_mod = require('terraconverse.client')
local conversation = require('terraconverse.conversation')
local protocol = require('terraconverse.protocol')

local M = {}

M.config = nil

local function notify(msg, level)
  vim.notify('TerraConverse: ' .. msg, level or vim.log.levels.INFO)
end

--- Configures the plugin (optional: the commands use the defaults otherwise).
function M.setup(user)
  local config, err = config_mod.resolve(user)
  if not config then
    notify(err, vim.log.levels.ERROR)
    return false
  end
  M.config = config
  local group = vim.api.nvim_create_augroup('terraconverse', { clear = true })
  vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile', 'FileType' }, {
    group = group,
    callback = function(ev)
      client_mod.attach_if_terraform(M.config, ev.buf)
    end,
  })
  -- The "Generate resource conversationally" code action: the editor asks for the request.
  vim.lsp.commands[protocol.commands.start_conversation] = function(command)
    local args = (command.arguments or {})[1] or {}
    vim.ui.input({ prompt = args.scope and ('What should be generated for ' .. args.scope .. '? ') or 'What should be generated here? ' }, function(request)
      if request and vim.trim(request) ~= '' then
        M.start(vim.trim(request), args)
      end
    end)
  end
  return true
end

local function ensure_config()
  if not M.config then
    M.setup({})
  end
  return M.config
end

--- The client for the current buffer's workspace, started when needed.
local function current_client()
  local config = ensure_config()
  local root = client_mod.find_root(vim.api.nvim_buf_get_name(0), config.root_markers)
  local c, err = client_mod.ensure(config, root)
  if not c then
    notify(err, vim.log.levels.ERROR)
  end
  return c, root
end

--- Starts a conversation. With no request: resumes the current question, else asks for one.
function M.start(request, args)
  local config = ensure_config()
  request = request and vim.trim(request) or ''
  if request == '' then
    if conversation.state.question and not conversation.state.complete then
      return conversation.prompt()
    end
    local function ask()
      vim.ui.input({ prompt = 'What do you want to build? ' }, function(text)
        if text and vim.trim(text) ~= '' then
          M.start(text, args)
        end
      end)
    end
    -- Conversations saved in the workspace (a restarted editor) can be taken up again.
    local c = current_client()
    if not c then
      return
    end
    return client_mod.when_ready(c, function(err)
      if err then
        return notify(err, vim.log.levels.ERROR)
      end
      conversation.offer_resume(config, c, ask)
    end)
  end
  local c, root = current_client()
  if not c then
    return
  end
  if args and args.target then
    root = vim.uri_to_fname(args.target)
  end
  client_mod.when_ready(c, function(err)
    if err then
      return notify(err, vim.log.levels.ERROR)
    end
    conversation.start(config, c, root, request, args)
  end)
end

--- The client configuration for nvim-lspconfig, for those who manage servers there:
---   require('lspconfig.configs').terraconverse = { default_config = require('terraconverse').lsp_config() }
---   require('lspconfig').terraconverse.setup({})
--- The commands then use the client lspconfig started for the workspace.
function M.lsp_config(user)
  if user ~= nil or not M.config then
    M.setup(user or {})
  end
  local spec = client_mod.spec(M.config)
  local markers = M.config.root_markers
  spec.root_dir = function(fname)
    return client_mod.find_root(fname, markers)
  end
  return spec
end

M.status = conversation.status
M.cancel = conversation.cancel
M.back = conversation.back
M.accept_all_defaults = conversation.accept_all_defaults

--- Stops the language servers this plugin started.
function M.stop()
  client_mod.stop_all()
end

return M
